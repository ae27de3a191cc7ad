package io.zt4j.service.cli;

import io.zt4j.node.NodeEvent;
import io.zt4j.node.NodeStatus;
import io.zt4j.node.PathInfo;
import io.zt4j.node.PeerInfo;
import io.zt4j.node.StateObject;
import io.zt4j.node.identity.Address;
import io.zt4j.node.wire.InetAddress;
import io.zt4j.node.wire.Parsed;
import io.zt4j.node.wire.World;
import io.zt4j.runtime.LocalAddresses;
import io.zt4j.runtime.NodeRunner;
import io.zt4j.runtime.StateDirectory;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * What {@code zt4j node} and {@code zt4j root} share: parsing endpoints, starting a
 * {@link NodeRunner}, and printing what the node does, one line per event:
 *
 * <pre>
 *   ONLINE | OFFLINE
 *   PEER &lt;address&gt; DIRECT &lt;ip/port&gt; | PEER &lt;address&gt; RELAYED
 *   MESSAGE &lt;address&gt; &lt;type id&gt; &lt;text&gt;
 *   NETWORK &lt;nwid&gt; &lt;status&gt; &lt;name&gt; &lt;mac&gt; &lt;ip/prefix&gt;,… | NETWORK &lt;nwid&gt; LEFT
 * </pre>
 *
 * plus {@code zerotier-cli}-style {@code info} and {@code peers} tables on request.
 */
final class NodeCli {
  /** USER_MESSAGE type id of the {@code --send-to} greetings ("zt4j" in ASCII). */
  static final long GREETING_TYPE = 0x7a74346aL;

  private NodeCli() {}

  /** Parses {@code ip/port} (ZeroTier's notation; no name lookups). */
  static InetSocketAddress endpoint(String text) {
    InetAddress a = InetAddress.fromString(text)
        .filter(x -> !x.isNil())
        .orElseThrow(() -> new IllegalArgumentException("not an ip/port endpoint: " + text));
    try {
      return new InetSocketAddress(java.net.InetAddress.getByAddress(a.ip()), a.port());
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(text, e);
    }
  }

  static Address address(String hex) {
    return Address.parse(hex).orElseThrow(() -> new IllegalArgumentException("not a ZeroTier address: " + hex));
  }

  /** Reads a planet file, or fails naming it. */
  static World readPlanet(StateDirectory dir, Path file) {
    byte[] b = dir.readFile(file).orElseThrow(() -> new IllegalArgumentException(file + ": no such file"));
    Parsed<World> w = World.parse(b);
    if (!w.isOk() || w.value().type() != World.Type.PLANET) {
      throw new IllegalArgumentException(file + ": not a ZeroTier planet" + (w.isOk() ? "" : " (" + w.reason() + ")"));
    }
    return w.value();
  }

  /** A moon definition file ({@code <world-id>.moon}, e.g. from {@code zt4j idtool genmoon}). */
  static World readMoon(StateDirectory dir, Path file) {
    byte[] b = dir.readFile(file).orElseThrow(() -> new IllegalArgumentException(file + ": no such file"));
    Parsed<World> w = World.parse(b);
    if (!w.isOk() || w.value().type() != World.Type.MOON) {
      throw new IllegalArgumentException(file + ": not a ZeroTier moon" + (w.isOk() ? " (a planet)" : " (" + w.reason() + ")"));
    }
    return w.value();
  }

  /** The planet stored in a home, if any. */
  static Optional<World> storedPlanet(StateDirectory home) {
    Path f = home.fileOf(StateObject.PLANET, 0);
    return home.readFile(f).map(b -> readPlanet(home, f));
  }

  /** Configured addresses, or every interface address with {@code port} (never the wildcard). */
  static List<InetSocketAddress> bindAddresses(List<String> bind, int port) {
    List<InetSocketAddress> out = new ArrayList<>();
    for (String b : bind) {
      out.add(endpoint(b));
    }
    if (out.isEmpty()) {
      out.addAll(LocalAddresses.all(port));
      if (out.isEmpty()) {
        throw new IllegalArgumentException("no usable network interface address; use --bind");
      }
    }
    return out;
  }

  static boolean allLoopback(List<InetSocketAddress> bind) {
    return bind.stream().allMatch(a -> a.getAddress().isLoopbackAddress());
  }

  /** Prints node events as single lines (called on the node loop thread). */
  static void printEvent(PrintWriter out, NodeEvent e) {
    String line = null;
    if (e instanceof NodeEvent.Online) {
      line = "ONLINE";
    } else if (e instanceof NodeEvent.Offline) {
      line = "OFFLINE";
    } else if (e instanceof NodeEvent.PeerDirect d) {
      line = "PEER " + d.peer() + " DIRECT " + d.path();
    } else if (e instanceof NodeEvent.PeerRelayed r) {
      line = "PEER " + r.peer() + " RELAYED";
    } else if (e instanceof NodeEvent.UserMessage m) {
      line = "MESSAGE " + m.origin() + " " + Long.toHexString(m.typeId()) + " "
          + new String(m.data(), StandardCharsets.UTF_8).replaceAll("\\p{Cntrl}", "?");
    } else if (e instanceof NodeEvent.IdentityCollision c) {
      line = "FATAL identity collision reported by root " + c.reportedBy() + ": generate a new identity";
    }
    if (line != null) {
      synchronized (out) {
        out.println(line);
        out.flush();
      }
    }
  }

  /**
   * Prints a {@code NETWORK} line when a joined network's status, name or addresses change (not
   * for every config push): {@code NETWORK <nwid> <status> <name|-> <mac> <ip/prefix,…|->} (IPv4 first), and
   * {@code NETWORK <nwid> LEFT} after a leave. Runs on the node loop thread.
   */
  static final class NetworkPrinter implements NodeRunner.NetworkListener {
    private final PrintWriter out;
    private final java.util.Map<Long, String> last = new java.util.HashMap<>();

    NetworkPrinter(PrintWriter out) {
      this.out = out;
    }

    @Override
    public void networkChanged(long networkId, io.zt4j.node.vl2.NetworkOperation op,
        io.zt4j.node.vl2.VirtualNetworkConfig c) {
      String line;
      if (op == io.zt4j.node.vl2.NetworkOperation.DOWN) {
        return;
      } else if (op == io.zt4j.node.vl2.NetworkOperation.DESTROY) {
        last.remove(networkId);
        line = "NETWORK " + String.format("%016x", networkId) + " LEFT";
      } else {
        line = networkLine(c);
        if (line.equals(last.put(networkId, line))) {
          return;
        }
      }
      synchronized (out) {
        out.println(line);
        out.flush();
      }
    }
  }

  /** {@code NETWORK <nwid> <status> <name|-> <mac> <ip/prefix,…|->}. */
  static String networkLine(io.zt4j.node.vl2.VirtualNetworkConfig c) {
    return "NETWORK " + c.networkIdString() + " " + c.status().cliName() + " " + (c.name().isEmpty() ? "-" : c.name())
        + " " + c.mac() + " " + (c.assignedAddresses().isEmpty() ? "-" : String.join(",",
            c.assignedAddresses().stream().sorted(java.util.Comparator.comparing(a -> !a.isV4())) // IPv4 first
                .map(a -> a.toIpString() + "/" + a.port()).toList()));
  }

  /** {@code zerotier-cli info} and {@code peers} style output. */
  static void printStatus(PrintWriter out, NodeRunner runner) {
    NodeStatus s = runner.status();
    List<PeerInfo> peers = runner.peers();
    long now = runner.now();
    StringBuilder b = new StringBuilder();
    b.append("200 info ").append(s.address()).append(' ').append(io.zt4j.node.ProtocolVersion.software())
        .append(' ').append(s.online() ? "ONLINE" : "OFFLINE").append('\n');
    b.append("200 peers\n<ztaddr>   <ver>  <role> <lat> <link>   <lastTX> <lastRX> <path>\n");
    for (PeerInfo p : peers) {
      String path = "RELAY";
      for (PathInfo pi : p.paths()) {
        if (pi.preferred()) {
          path = String.format("DIRECT   %-8d %-8d %s", pi.lastSendAt() > 0 ? now - pi.lastSendAt() : -1,
              pi.lastReceiveAt() > 0 ? now - pi.lastReceiveAt() : -1, pi.address());
        }
      }
      b.append(String.format("%s %-6s %-6s %5d %s%n", p.address(), p.version() == null ? "-" : p.version(),
          p.role(), p.latencyMillis(), path));
    }
    List<io.zt4j.node.vl2.VirtualNetworkConfig> networks = runner.call(n -> n.networks());
    if (!networks.isEmpty()) {
      // As 'zerotier-cli listnetworks' prints it (no tap device: "-").
      b.append("200 listnetworks <nwid> <name> <mac> <status> <type> <dev> <ZT assigned ips>\n");
      for (io.zt4j.node.vl2.VirtualNetworkConfig c : networks) {
        b.append("200 listnetworks ").append(c.networkIdString()).append(' ')
            .append(c.name()).append(' ').append(c.mac()).append(' ')
            .append(c.status().cliName()).append(' ').append(c.isPrivate() ? "PRIVATE" : "PUBLIC").append(" - ")
            .append(c.assignedAddresses().isEmpty() ? "-" : String.join(",",
                c.assignedAddresses().stream().map(a -> a.toIpString() + "/" + a.port()).toList()))
            .append('\n');
      }
    }
    synchronized (out) {
      out.print(b);
      out.flush();
    }
  }

  /**
   * Runs until the process is stopped (or {@code exitAfterSeconds}), greeting {@code sendTo}
   * peers every second and printing status every {@code statusEverySeconds}.
   */
  static int runUntilStopped(NodeRunner runner, PrintWriter out, List<Address> sendTo, int statusEverySeconds,
      int exitAfterSeconds) throws InterruptedException {
    CountDownLatch stop = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      stop.countDown();
      runner.close();
    }, "zt4j-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    long startedAt = System.nanoTime();
    long lastStatus = System.nanoTime();
    int n = 0;
    while (!stop.await(1, TimeUnit.SECONDS)) {
      if (runner.failure().isPresent()) {
        throw new IllegalStateException("node loop failed: " + runner.failure().get(), runner.failure().get());
      }
      for (Address a : sendTo) {
        runner.sendUserMessage(a, GREETING_TYPE, ("hello " + n).getBytes(StandardCharsets.UTF_8));
      }
      n++;
      if (statusEverySeconds > 0 && System.nanoTime() - lastStatus >= statusEverySeconds * 1_000_000_000L) {
        lastStatus = System.nanoTime();
        printStatus(out, runner);
      }
      if (exitAfterSeconds > 0 && System.nanoTime() - startedAt >= exitAfterSeconds * 1_000_000_000L) {
        break;
      }
    }
    if (stop.getCount() == 0) {
      return 0; // stopped by a signal: the shutdown hook closed the node
    }
    Runtime.getRuntime().removeShutdownHook(hook);
    printStatus(out, runner);
    runner.close();
    return 0;
  }
}
