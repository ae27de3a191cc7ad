package io.zt4j.service.cli;

import io.zt4j.node.StateObject;
import io.zt4j.node.identity.Address;
import io.zt4j.node.identity.Identity;
import io.zt4j.node.wire.World;
import io.zt4j.runtime.NodeRunner;
import io.zt4j.runtime.StateDirectory;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code zt4j node}: run a ZeroTier node as its own process (VL1: identity, roots, peers).
 *
 * <pre>
 *   zt4j node run --home DIR [--planet FILE] [--bind IP/PORT ...] [--secondary-port PORT] [--port-mapping] [--send-to ADDRESS ...]
 * </pre>
 *
 * The home is a ZeroTier One style directory (identity.secret/public, planet, moons.d, peers.d);
 * an identity is generated on first start. Joined networks print a {@code NETWORK} line whenever
 * their status or addresses change (see {@link NodeCli}). {@code --planet} copies a private planet into the home
 * (a planet already there is used otherwise, else ZeroTier's public planet). With only loopback
 * bind addresses, loopback paths are allowed (a private planet on one machine).
 */
@Command(name = "node", description = "Run a ZeroTier node (VL1: goes online through its roots, talks to peers).",
    subcommands = {NodeCommand.Run.class})
final class NodeCommand implements Runnable {
  static final Path DEFAULT_HOME = Paths.get(System.getProperty("user.home"), ".zt4j", "node");

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "run", description = "Start the node, print its events and peers, run until stopped.")
  static final class Run implements Callable<Integer> {
    @Option(names = "--home", paramLabel = "DIR", description = "Node home (default ~/.zt4j/node).")
    Path home = DEFAULT_HOME;

    @Option(names = "--planet", paramLabel = "FILE", description = "Private planet to use (copied into the home).")
    Path planet;

    @Option(names = "--bind", paramLabel = "IP/PORT",
        description = "Bind UDP here (repeatable; port 0 = any). Default: every interface address, port --port.")
    List<String> bind = new ArrayList<>();

    @Option(names = "--port", paramLabel = "PORT", description = "Port for the default bind addresses (default 9993).")
    int port = 9993;

    @Option(names = "--secondary-port", paramLabel = "PORT",
        description = "Also listen on this UDP port, on the same addresses (0 = random in 20000-65499 like ZeroTier One). Default: none.")
    Integer secondaryPort;

    @Option(names = "--port-mapping",
        description = "Ask the LAN's router (NAT-PMP, then UPnP) to forward a third UDP port and advertise the router's address. Default: off.")
    boolean portMapping;

    @Option(names = "--send-to", paramLabel = "ADDRESS", description = "Send this peer a USER_MESSAGE every second (repeatable).")
    List<String> sendTo = new ArrayList<>();

    @Option(names = "--orbit", paramLabel = "WORLDID:SEED",
        description = "Orbit a moon (hex world id and the hex address of one of its roots), like 'zerotier-cli orbit'. Repeatable.")
    List<String> orbit = new ArrayList<>();

    @Option(names = "--moon", paramLabel = "FILE",
        description = "Orbit the moon this .moon file defines (from 'zt4j idtool genmoon'); it is stored in the home's"
            + " moons.d, like copying it there for ZeroTier One. Its roots are reached directly. Repeatable.")
    List<Path> moon = new ArrayList<>();

    @Option(names = "--join", paramLabel = "NWID",
        description = "Join this network (16 hex digits), like 'zerotier-cli join'; repeatable. Networks joined before"
            + " (networks.d) are rejoined. The node's virtual tap answers ping on its addresses.")
    List<String> join = new ArrayList<>();

    @Option(names = "--trusted-path", paramLabel = "IP/BITS=ID",
        description = "Send and accept packets on this physical network without encryption (ZeroTier's trusted paths;"
            + " both ends need the same id, decimal or 0x hex). Repeatable. Only for fully trusted links.")
    List<String> trustedPaths = new ArrayList<>();

    @Option(names = "--status-every", paramLabel = "SECONDS", description = "Print info and peers this often (0: only at exit).")
    int statusEvery = 30;

    @Option(names = "--exit-after", paramLabel = "SECONDS", description = "Stop after this long (0: run until stopped).")
    int exitAfter;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      StateDirectory dir = StateDirectory.open(home);
      if (dir.read(StateObject.IDENTITY_SECRET, 0).isEmpty()) {
        loadOrCreateIdentity(dir, new SecureRandom(), out);
      }
      World world = null;
      if (planet != null) {
        world = NodeCli.readPlanet(dir, planet);
        dir.write(StateObject.PLANET, world.id(), world.serialize());
      }
      List<Address> peers = new ArrayList<>();
      for (String s : sendTo) {
        peers.add(NodeCli.address(s));
      }
      List<InetSocketAddress> addrs = NodeCli.bindAddresses(bind, port);
      NodeRunner.Options o = new NodeRunner.Options().home(dir).name("zt4j-node")
          .allowLoopbackPaths(NodeCli.allLoopback(addrs)).listener(e -> NodeCli.printEvent(out, e))
          .networkListener(new NodeCli.NetworkPrinter(out));
      for (String t : trustedPaths) {
        o.trustedPath(io.zt4j.node.TrustedPath.parse(t)
            .orElseThrow(() -> new IllegalArgumentException("--trusted-path wants IP/BITS=ID, not " + t)));
      }
      addrs.forEach(o::bind);
      if (secondaryPort != null) {
        o.secondaryPort(secondaryPort);
      }
      if (portMapping) {
        o.portMapping(io.zt4j.runtime.portmap.PortMapper.Config.defaults());
      }
      for (String spec : orbit) {
        String[] parts = spec.split(":");
        if (parts.length != 2) {
          throw new IllegalArgumentException("--orbit wants WORLDID:SEED in hex, not " + spec);
        }
        o.orbit(Long.parseUnsignedLong(parts[0], 16), NodeCli.address(parts[1]).toLong());
      }
      for (Path file : moon) {
        o.moon(NodeCli.readMoon(dir, file));
      }
      List<Long> networks = new ArrayList<>();
      for (String nwid : join) {
        if (!nwid.matches("[0-9a-fA-F]{16}")) {
          throw new IllegalArgumentException("--join wants a 16-hex-digit network id, not " + nwid);
        }
        networks.add(Long.parseUnsignedLong(nwid, 16));
      }
      NodeRunner runner = NodeRunner.start(o);
      for (long nwid : networks) {
        runner.call(n -> {
          n.join(nwid, runner.now());
          return null;
        });
      }
      var status = runner.status();
      out.println("node " + runner.address() + " planet " + Long.toUnsignedString(status.planetId())
          + " listening on " + runner.localAddresses().stream().map(NodeCommand::format).toList());
      out.flush();
      return NodeCli.runUntilStopped(runner, out, peers, statusEvery, exitAfter);
    }
  }

  static String format(InetSocketAddress a) {
    return a.getAddress().getHostAddress().replaceAll("%.*", "") + "/" + a.getPort();
  }

  /** The home's secret identity; errors name the file. */
  static Identity loadIdentity(StateDirectory dir) {
    Path f = dir.fileOf(StateObject.IDENTITY_SECRET, 0);
    byte[] b = dir.read(StateObject.IDENTITY_SECRET, 0)
        .orElseThrow(() -> new IllegalArgumentException(f + ": no identity"));
    return Identity.fromString(new String(b, StandardCharsets.US_ASCII).strip())
        .filter(Identity::hasPrivateKey)
        .orElseThrow(() -> new StateDirectory.StateFileException(f, "not a secret ZeroTier identity"));
  }

  /** Loads the home's identity, generating and storing one if there is none. */
  static Identity loadOrCreateIdentity(StateDirectory dir, SecureRandom random, PrintWriter out) {
    if (dir.read(StateObject.IDENTITY_SECRET, 0).isPresent()) {
      return loadIdentity(dir);
    }
    out.println("generating identity (a few seconds)...");
    out.flush();
    Identity id = Identity.generate(random);
    dir.write(StateObject.IDENTITY_SECRET, id.address().toLong(), id.toString(true).getBytes(StandardCharsets.US_ASCII));
    dir.write(StateObject.IDENTITY_PUBLIC, id.address().toLong(), id.toString(false).getBytes(StandardCharsets.US_ASCII));
    return id;
  }
}
