package io.zt4j.bench.e2e;

import io.zt4j.controller.ConfigIssuer;
import io.zt4j.controller.ControllerHook;
import io.zt4j.controller.NetworkController;
import io.zt4j.controller.model.RecordJson;
import io.zt4j.controller.store.MemoryStore;
import io.zt4j.node.identity.Identity;
import io.zt4j.node.wire.InetAddress;
import io.zt4j.node.wire.World;
import io.zt4j.runtime.NodeRunner;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * End-to-end benchmark of the whole SDK data path: two zt4j nodes <b>in two separate JVMs</b>
 * (child processes of this one) on one private ZeroTier network over 127.0.0.1 UDP, encrypted
 * (AES-GMAC-SIV between 1.14-protocol peers), against Linux loopback TCP between the same two
 * JVMs, measured in the same run.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.zt4j.bench.e2e.TwoNodeBench [--mb 1024] [--rtts 20000] [--idle 1000] [--rounds 2] [--idlecpu 10]
 * </pre>
 *
 * <p>This JVM runs the private planet's root and the network controller (each a {@link NodeRunner}
 * on its own loop thread); the members' identities are generated here and authorized on the
 * controller before the members start, so "ready" is the member's own path: HELLO to the root,
 * WHOIS of the controller, config request, config with a managed IPv4 address applied to its
 * tap. Each member JVM ({@link MemberMain}) reports its times and heap and then takes commands
 * on stdin (one line each, one answer line each); the children are ended by their PIDs.
 *
 * <p>Measured: (a) bulk TCP one way (one connection, 128 KiB writes, the receiver's end-of-data
 * acknowledgement included), (b) 1-byte TCP round trips with TCP_NODELAY (p50/p99), (c) node
 * start to ONLINE and to network ready, (d) heap per node and per idle connection (after GC), and
 * the CPU time both JVMs spent per GiB of bulk (process CPU time, all threads: a load-independent
 * cost on a shared machine where the wall-clock numbers swing).
 */
public final class TwoNodeBench {
  private TwoNodeBench() {}

  /** Members run with {@code -Dzt4j.probe=true}: print their per-stage latency breakdown. */
  private static boolean probe;

  public static void main(String[] args) throws Exception {
    long mb = 1024;
    int rtts = 20_000;
    int idle = 1000;
    int rounds = 2;
    int idleCpuSeconds = 10;
    List<String> childJvm = new ArrayList<>(List.of("-Xmx512m", "-XX:+UseParallelGC"));
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--mb" -> mb = Long.parseLong(args[++i]);
        case "--rtts" -> rtts = Integer.parseInt(args[++i]);
        case "--idle" -> idle = Integer.parseInt(args[++i]);
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--idlecpu" -> idleCpuSeconds = Integer.parseInt(args[++i]);
        case "--jvm" -> childJvm.add(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]
            + " (use --mb N --rtts N --idle N --rounds N --idlecpu SECONDS --jvm OPTION)");
      }
    }
    probe = childJvm.contains("-Dzt4j.probe=true");
    System.out.printf(Locale.ROOT, "machine: %d CPUs, load average %.2f; child JVMs: %s%n",
        Runtime.getRuntime().availableProcessors(),
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), childJvm);

    long t = System.nanoTime();
    // root (also signs the planet), controller, member a, member b, and members started later in
    // the client's warm JVM
    int warmStarts = 3;
    Identity[] ids = generateIdentities(4 + warmStarts);
    System.out.printf(Locale.ROOT, "generated %d identities in %d ms%n", ids.length, (System.nanoTime() - t) / 1_000_000);

    java.net.InetAddress lo = java.net.InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
    int rootPort;
    try (java.net.DatagramSocket probe = new java.net.DatagramSocket(new InetSocketAddress(lo, 0))) {
      rootPort = probe.getLocalPort();
    }
    World planet = World.make(World.Type.PLANET, 0x7a74_6a62L, 1L, ids[0].publicKey(),
        List.of(new World.Root(ids[0].withoutPrivateKey(),
            List.of(InetAddress.fromString("127.0.0.1/" + rootPort).orElseThrow()))),
        ids[0].privateKey().orElseThrow());
    List<Member> members = new ArrayList<>();
    try (NodeRunner root = NodeRunner.start(new NodeRunner.Options().identity(ids[0]).planet(planet)
            .bind(new InetSocketAddress(lo, rootPort)).allowLoopbackPaths(true).name("bench-root"));
        NodeRunner ctl = NodeRunner.start(new NodeRunner.Options().identity(ids[1]).planet(planet)
            .bind(new InetSocketAddress(lo, 0)).allowLoopbackPaths(true).name("bench-controller"))) {
      NetworkController records = new NetworkController(ids[1].address().toLong(), new MemoryStore(),
          System::currentTimeMillis, new SecureRandom());
      ConfigIssuer issuer = new ConfigIssuer(records, ids[1]);
      ControllerHook hook = ctl.call(n -> {
        ControllerHook h = new ControllerHook(issuer, n.vl2(), ctl::now);
        n.vl2().localController(h);
        return h;
      });
      long nwid = records.createNetwork(RecordJson.MAPPER.readTree("{\"name\":\"bench\",\"v4AssignMode\":{\"zt\":true},"
          + "\"ipAssignmentPools\":[{\"ipRangeStart\":\"10.147.17.1\",\"ipRangeEnd\":\"10.147.17.254\"}],"
          + "\"routes\":[{\"target\":\"10.147.17.0/24\"}]}")).id();
      for (int i = 2; i < ids.length; i++) {
        records.updateMember(nwid, ids[i].address().toLong(), RecordJson.MAPPER.readTree("{\"authorized\":true}"));
      }
      ctl.call(n -> hook.flush());
      if (!ctl.awaitOnline(Duration.ofSeconds(30))) {
        throw new IllegalStateException("controller node not online");
      }
      String planetHex = HexFormat.of().formatHex(planet.serialize());
      try {
        // both members start at once, as two apps would
        members.add(Member.spawn("server", childJvm, planetHex, ids[2], nwid));
        members.add(Member.spawn("client", childJvm, planetHex, ids[3], nwid));
        Member server = members.get(0);
        Member client = members.get(1);
        for (Member m : members) {
          m.awaitReady();
        }
        for (Member m : members) {
          System.out.printf(Locale.ROOT,
              "%s: %s; start() -> ONLINE %d ms, start() -> network ready %d ms (%s); process spawn -> ready %d ms; "
                  + "heap of the node after GC %s%n",
              m.name, m.address, m.onlineMillis, m.readyMillis, m.ip, m.spawnToReadyMillis, kib(m.nodeHeapBytes));
        }
        for (int i = 4; i < ids.length; i++) {
          String[] f = client.ask("fresh " + ids[i].toString(true)).split(" ");
          System.out.printf(Locale.ROOT, "another member started in the client's warm JVM: start() -> ONLINE %s ms, "
              + "start() -> network ready %s ms%n", f[0], f[1]);
        }
        run(server, client, mb, rtts, idle, rounds);
        if (idleCpuSeconds > 0) {
          idleCpu(server, client, idleCpuSeconds);
        }
      } catch (RuntimeException e) {
        for (Member m : members) {
          try {
            System.out.println(m.name + " diagnostics: " + m.ask("diag"));
          } catch (RuntimeException | IOException d) {
            System.out.println(m.name + " diagnostics: " + d);
          }
        }
        System.out.println("root diagnostics: " + MemberMain.counters(root) + "; vl2 drops " + root.call(n -> n.vl2().drops()));
        System.out.println("controller diagnostics: " + MemberMain.counters(ctl) + "; vl2 drops " + ctl.call(n -> n.vl2().drops()));
        throw e;
      } finally {
        for (Member m : members) {
          m.close();
        }
      }
      ctl.call(n -> hook.flush());
    }
  }

  static String kib(long bytes) {
    return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
  }

  private static void run(Member server, Member client, long mb, int rtts, int idle, int rounds) throws Exception {
    // warm up: the first SYN also makes the two nodes find their direct path
    client.ask("bulk zt " + server.ip + " " + server.ztPort + " " + (64L << 20));
    client.ask("rtt zt " + server.ip + " " + server.ztPort + " " + Math.max(1000, rtts / 10));
    client.ask("bulk kernel 127.0.0.1 " + server.kernelPort + " " + (64L << 20));
    client.ask("rtt kernel 127.0.0.1 " + server.kernelPort + " " + Math.max(1000, rtts / 10));
    String path = client.ask("peer " + server.address);
    System.out.printf("client -> server path: %s%n", path);

    long bytes = mb << 20;
    List<double[]> zt = new ArrayList<>();
    List<double[]> kernel = new ArrayList<>();
    for (int r = 0; r < rounds; r++) {
      kernel.add(measure(server, client, "kernel", "127.0.0.1", server.kernelPort, bytes, rtts));
      zt.add(measure(server, client, "zt", server.ip, server.ztPort, bytes, rtts));
    }
    double[] k = best(kernel);
    double[] z = best(zt);
    System.out.printf(Locale.ROOT, "%n%d MiB bulk, %d round trips, best of %d rounds%n", mb, rtts, rounds);
    System.out.printf(Locale.ROOT, "%-44s %12s %12s %12s %14s%n", "transport (two JVMs)", "Mbit/s", "RTT p50 µs",
        "RTT p99 µs", "CPU-s per GiB");
    System.out.printf(Locale.ROOT, "%-44s %12.0f %12.1f %12.1f %14.2f%n", "Linux loopback TCP (java.net)", k[0], k[1], k[2], k[3]);
    System.out.printf(Locale.ROOT, "%-44s %12.0f %12.1f %12.1f %14.2f%n", "zt4j, encrypted virtual network (UDP lo)", z[0],
        z[1], z[2], z[3]);
    System.out.printf(Locale.ROOT, "%-44s %12.2f× %11.2f× %11.2f× %13.2f×%n", "zt4j / Linux", z[0] / k[0], z[1] / k[1],
        z[2] / k[2], z[3] / k[3]);
    for (int r = 0; r < rounds; r++) {
      System.out.printf(Locale.ROOT, "  round %d: kernel %.0f Mbit/s %.1f/%.1f µs %.2f CPU-s/GiB; zt4j %.0f Mbit/s %.1f/%.1f µs %.2f CPU-s/GiB%n",
          r + 1, kernel.get(r)[0], kernel.get(r)[1], kernel.get(r)[2], kernel.get(r)[3], zt.get(r)[0], zt.get(r)[1],
          zt.get(r)[2], zt.get(r)[3]);
    }

    if (idle > 0) {
      long serverBefore = Long.parseLong(server.ask("heap"));
      String[] c = client.ask("idle zt " + server.ip + " " + server.ztPort + " " + idle).split(" ");
      long serverAfter = Long.parseLong(server.ask("heap"));
      long clientPer = Long.parseLong(c[0]);
      long serverPer = (serverAfter - serverBefore) / idle;
      System.out.printf(Locale.ROOT, "%d idle connections (each echoed one byte): heap per connection after GC: "
          + "client end %d B, server end %d B, both %d B%n", idle, clientPer, serverPer, clientPer + serverPer);
      client.ask("closeidle");
    }
  }

  /** CPU time of both joined members while nothing is sent (connections closed). */
  private static void idleCpu(Member server, Member client, int seconds) throws Exception {
    Thread.sleep(1000); // delayed ACKs and closes settle
    long[] s0 = cpu(server);
    long[] c0 = cpu(client);
    Thread.sleep(seconds * 1000L);
    long[] s1 = cpu(server);
    long[] c1 = cpu(client);
    System.out.printf(Locale.ROOT, "idle, joined, %d s: loop thread CPU %.1f ms (server) / %.1f ms (client); whole JVM "
        + "%.1f / %.1f ms (includes answering this harness)%n", seconds, (s1[1] - s0[1]) / 1e6, (c1[1] - c0[1]) / 1e6,
        (s1[0] - s0[0]) / 1e6, (c1[0] - c0[0]) / 1e6);
  }

  /** CPU time of a member so far (ns): process, loop thread, other Java threads. */
  private static long[] cpu(Member m) throws IOException {
    String[] f = m.ask("cpu").split(" ");
    return new long[] {Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2])};
  }

  /** Datagrams a member's node sent and received so far: {out, in}. */
  private static long[] datagrams(Member m) throws IOException {
    String[] f = m.ask("diag").split(" ");
    return new long[] {Long.parseLong(f[3]), Long.parseLong(f[1])};
  }

  /** Mbit/s, RTT p50 and p99 (µs), CPU-seconds of both JVMs per GiB of bulk. */
  private static double[] measure(Member server, Member client, String kind, String ip, int port, long bytes, int rtts)
      throws IOException {
    long[] sc0 = cpu(server);
    long[] cc0 = cpu(client);
    long[] c0 = datagrams(client);
    long[] s0 = datagrams(server);
    double mbps = Double.parseDouble(client.ask("bulk " + kind + " " + ip + " " + port + " " + bytes));
    long[] sc1 = cpu(server);
    long[] cc1 = cpu(client);
    long cpu0 = sc0[0] + cc0[0];
    long cpu1 = sc1[0] + cc1[0];
    double gib = bytes / (double) (1L << 30);
    System.out.printf(Locale.ROOT, "  %s bulk CPU-s per GiB: sender %.2f (loop %.2f, app %.2f, JVM %.2f), receiver %.2f "
        + "(loop %.2f, app %.2f, JVM %.2f)%n", kind,
        (cc1[0] - cc0[0]) / 1e9 / gib, (cc1[1] - cc0[1]) / 1e9 / gib, (cc1[2] - cc0[2]) / 1e9 / gib,
        ((cc1[0] - cc0[0]) - (cc1[1] - cc0[1]) - (cc1[2] - cc0[2])) / 1e9 / gib,
        (sc1[0] - sc0[0]) / 1e9 / gib, (sc1[1] - sc0[1]) / 1e9 / gib, (sc1[2] - sc0[2]) / 1e9 / gib,
        ((sc1[0] - sc0[0]) - (sc1[1] - sc0[1]) - (sc1[2] - sc0[2])) / 1e9 / gib);
    long[] c1 = datagrams(client);
    long[] s1 = datagrams(server);
    if (kind.equals("zt")) {
      double mib = bytes / 1048576.0;
      System.out.printf(Locale.ROOT, "  zt4j bulk: sender's node sent %.0f datagrams per MiB, the receiver's sent %.0f per MiB "
          + "(ACKs), received %.0f%n", (c1[0] - c0[0]) / mib, (s1[0] - s0[0]) / mib, (s1[1] - s0[1]) / mib);
    }
    if (probe && kind.equals("zt")) {
      client.ask("probe");
      server.ask("probe");
    }
    String[] rtt = client.ask("rtt " + kind + " " + ip + " " + port + " " + rtts).split(" ");
    if (probe && kind.equals("zt")) {
      System.out.printf(Locale.ROOT, "  zt4j RTT p50 %.1f µs; stages p50/p90: client %s%n  server %s%n",
          Long.parseLong(rtt[0]) / 1000.0, client.ask("probe"), server.ask("probe"));
    }
    return new double[] {mbps, Long.parseLong(rtt[0]) / 1000.0, Long.parseLong(rtt[1]) / 1000.0,
        (cpu1 - cpu0) / 1e9 / gib};
  }

  /** Highest throughput, lowest latencies over the rounds (each column on its own). */
  private static double[] best(List<double[]> rows) {
    double[] b = {0, Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE};
    for (double[] r : rows) {
      b[0] = Math.max(b[0], r[0]);
      b[1] = Math.min(b[1], r[1]);
      b[2] = Math.min(b[2], r[2]);
      b[3] = Math.min(b[3], r[3]);
    }
    return b;
  }

  private static Identity[] generateIdentities(int n) throws Exception {
    List<CompletableFuture<Identity>> fs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      fs.add(CompletableFuture.supplyAsync(() -> Identity.generate(new SecureRandom())));
    }
    Identity[] out = new Identity[n];
    for (int i = 0; i < n; i++) {
      out[i] = fs.get(i).get();
    }
    return out;
  }

  /** A member JVM: spawned, talked to over its stdin/stdout, ended by its PID. */
  static final class Member implements AutoCloseable {
    final String name;
    final Process process;
    final BufferedReader in;
    final PrintWriter out;
    final long spawnedAt = System.nanoTime();
    String address;
    String ip;
    int ztPort;
    int kernelPort;
    long onlineMillis;
    long readyMillis;
    long spawnToReadyMillis;
    long nodeHeapBytes;

    private Member(String name, Process p) {
      this.name = name;
      this.process = p;
      this.in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      this.out = new PrintWriter(new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8), true);
    }

    static Member spawn(String name, List<String> jvm, String planetHex, Identity id, long nwid) throws IOException {
      List<String> cmd = new ArrayList<>();
      cmd.add(ProcessHandle.current().info().command().orElse("java"));
      cmd.addAll(jvm);
      cmd.add("-cp");
      cmd.add(System.getProperty("java.class.path"));
      cmd.add(MemberMain.class.getName());
      cmd.add(name);
      cmd.add(planetHex);
      cmd.add(Long.toHexString(nwid));
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
      Member m = new Member(name, pb.start());
      // the secret goes over the pipe, not the command line
      m.out.println(id.toString(true));
      return m;
    }

    /** The next line that is not JVM logging (e.g. JFR's start message on stdout). */
    private String line() throws IOException {
      String line;
      do {
        line = in.readLine();
      } while (line != null && line.startsWith("["));
      return line;
    }

    void awaitReady() throws IOException {
      String line = line();
      if (line == null || !line.startsWith("READY ")) {
        throw new IllegalStateException(name + " did not start: " + line);
      }
      spawnToReadyMillis = (System.nanoTime() - spawnedAt) / 1_000_000;
      String[] f = line.split(" ");
      address = f[1];
      ip = f[2];
      ztPort = Integer.parseInt(f[3]);
      kernelPort = Integer.parseInt(f[4]);
      onlineMillis = Long.parseLong(f[5]);
      readyMillis = Long.parseLong(f[6]);
      nodeHeapBytes = Long.parseLong(f[7]);
    }

    /** Sends one command, returns the text after "OK ". */
    String ask(String command) throws IOException {
      out.println(command);
      String line = line();
      if (line == null || !line.startsWith("OK")) {
        throw new IllegalStateException(name + ": '" + command + "' failed: " + line);
      }
      return line.length() > 3 ? line.substring(3) : "";
    }

    @Override
    public void close() throws InterruptedException {
      out.println("quit");
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroy(); // by its PID
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      }
    }
  }
}
