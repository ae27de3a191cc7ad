package io.zt4j.service.cli;

import io.zt4j.node.StateObject;
import io.zt4j.node.crypto.C25519;
import io.zt4j.node.identity.Identity;
import io.zt4j.node.wire.InetAddress;
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
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code zt4j root}: make and run the root of a private planet.
 *
 * <pre>
 *   zt4j root init --home DIR --endpoint 203.0.113.5/9993 [--endpoint ...]
 *   zt4j root run  --home DIR
 * </pre>
 *
 * {@code init} creates the root's identity, a signing key pair ({@code current.c25519}, mkworld's
 * format: public ‖ private) and a planet naming this root at those endpoints, written to
 * {@code DIR/planet}; give that file to the nodes ({@code zt4j node run --planet}, or a ZeroTier
 * One home's {@code planet}). {@code run} runs the node whose identity is a root of the planet in
 * its home, bound to exactly the planet's endpoints for it: it relays, answers WHOIS and
 * introduces peers with RENDEZVOUS.
 */
@Command(name = "root", description = "Create and run the root server of a private ZeroTier planet.",
    subcommands = {RootCommand.Init.class, RootCommand.Run.class})
final class RootCommand implements Runnable {
  static final Path DEFAULT_HOME = Paths.get(System.getProperty("user.home"), ".zt4j", "root");

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "init", description = "Create the root identity, a planet signing key and a planet with this root.")
  static final class Init implements Callable<Integer> {
    @Option(names = "--home", paramLabel = "DIR", description = "Root home (default ~/.zt4j/root).")
    Path home = DEFAULT_HOME;

    @Option(names = "--endpoint", paramLabel = "IP/PORT", required = true,
        description = "Where nodes reach this root (repeatable, IPv4/IPv6), e.g. 127.0.0.1/9993.")
    List<String> endpoints = new ArrayList<>();

    @Option(names = "--planet-id", paramLabel = "N", description = "Planet (world) id; default random.")
    Long planetId;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      StateDirectory dir = StateDirectory.open(home);
      SecureRandom random = new SecureRandom();
      Identity id = NodeCommand.loadOrCreateIdentity(dir, random, out);
      Path keyFile = dir.home().resolve("current.c25519");
      byte[] keyPair = dir.readFile(keyFile).orElse(null);
      if (keyPair == null) {
        // A C25519 key pair like mkworld's: private = X25519 scalar | Ed25519 seed, random.
        byte[] priv = new byte[64];
        random.nextBytes(priv);
        keyPair = new byte[128];
        System.arraycopy(C25519.publicKeyOf(priv), 0, keyPair, 0, 64);
        System.arraycopy(priv, 0, keyPair, 64, 64);
        dir.writeFile(keyFile, keyPair, true);
      } else if (keyPair.length != 128) {
        throw new IllegalArgumentException(keyFile + ": not a key pair (expected 128 bytes: public 64 | private 64)");
      }
      List<InetAddress> eps = new ArrayList<>();
      for (String e : endpoints) {
        InetSocketAddress a = NodeCli.endpoint(e);
        eps.add(InetAddress.of(a.getAddress().getAddress(), a.getPort()));
      }
      long worldId = planetId != null ? planetId : (random.nextLong() & 0x7fffffffffffffffL);
      World planet = World.make(World.Type.PLANET, worldId, System.currentTimeMillis(),
          Arrays.copyOfRange(keyPair, 0, 64), List.of(new World.Root(id.withoutPrivateKey(), eps)),
          Arrays.copyOfRange(keyPair, 64, 128));
      dir.write(StateObject.PLANET, planet.id(), planet.serialize());
      out.println("root     " + id.address());
      out.println("planet   " + Long.toUnsignedString(planet.id()) + " (0x" + Long.toHexString(planet.id())
          + ") timestamp " + planet.timestamp() + " -> " + dir.fileOf(StateObject.PLANET, 0));
      out.println("endpoints " + eps);
      out.println("signing key " + keyFile + " (keep it: it signs the next planet revision)");
      out.flush();
      return 0;
    }
  }

  @Command(name = "run", description = "Run the root of the planet in its home until stopped.")
  static final class Run implements Callable<Integer> {
    @Option(names = "--home", paramLabel = "DIR", description = "Root home (default ~/.zt4j/root).")
    Path home = DEFAULT_HOME;

    @Option(names = "--bind", paramLabel = "IP/PORT",
        description = "Bind here instead of the planet's endpoints for this root (repeatable).")
    List<String> bind = new ArrayList<>();

    @Option(names = "--trusted-path", paramLabel = "IP/BITS=ID",
        description = "Send and accept packets on this physical network without encryption (ZeroTier's trusted paths;"
            + " both ends need the same id, decimal or 0x hex). Repeatable. Only for fully trusted links.")
    List<String> trustedPaths = new ArrayList<>();

    @Option(names = "--status-every", paramLabel = "SECONDS", description = "Print info and peers this often (0: only at exit).")
    int statusEvery = 60;

    @Option(names = "--exit-after", paramLabel = "SECONDS", hidden = true)
    int exitAfter;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      StateDirectory dir = StateDirectory.open(home);
      if (dir.read(StateObject.IDENTITY_SECRET, 0).isEmpty()) {
        throw new IllegalArgumentException(dir.fileOf(StateObject.IDENTITY_SECRET, 0) + ": no identity (run 'zt4j root init' first)");
      }
      Identity id = NodeCommand.loadIdentity(dir);
      World planet = NodeCli.storedPlanet(dir).orElseThrow(() -> new IllegalArgumentException(
          dir.fileOf(StateObject.PLANET, 0) + ": no planet (run 'zt4j root init' first)"));
      Optional<World.Root> me = planet.roots().stream().filter(r -> r.identity().equals(id.withoutPrivateKey())).findFirst();
      if (me.isEmpty()) {
        throw new IllegalArgumentException("identity " + id.address() + " is not a root of planet "
            + Long.toUnsignedString(planet.id()) + " in " + dir.fileOf(StateObject.PLANET, 0));
      }
      List<InetSocketAddress> addrs = new ArrayList<>();
      if (bind.isEmpty()) {
        for (InetAddress e : me.get().stableEndpoints()) {
          addrs.add(NodeCli.endpoint(e.toString()));
        }
        if (addrs.isEmpty()) {
          throw new IllegalArgumentException("the planet lists no endpoints for this root; use --bind");
        }
      } else {
        addrs.addAll(NodeCli.bindAddresses(bind, 9993));
      }
      NodeRunner.Options o = new NodeRunner.Options().home(dir).name("zt4j-root")
          .allowLoopbackPaths(NodeCli.allLoopback(addrs)).listener(e -> NodeCli.printEvent(out, e));
      for (String t : trustedPaths) {
        o.trustedPath(io.zt4j.node.TrustedPath.parse(t)
            .orElseThrow(() -> new IllegalArgumentException("--trusted-path wants IP/BITS=ID, not " + t)));
      }
      addrs.forEach(o::bind);
      NodeRunner runner = NodeRunner.start(o);
      out.println("root " + runner.address() + " of planet " + Long.toUnsignedString(planet.id())
          + " listening on " + runner.localAddresses().stream().map(NodeCommand::format).toList());
      out.flush();
      return NodeCli.runUntilStopped(runner, out, List.of(), statusEvery, exitAfter);
    }
  }
}
