package io.zt4j.service.cli;

import io.zt4j.service.demo.PrivateNetwork;
import io.zt4j.sockets.ZeroTierDatagramSocket;
import io.zt4j.sockets.ZeroTierNetwork;
import io.zt4j.sockets.ZeroTierNode;
import io.zt4j.sockets.ZeroTierPeer;
import io.zt4j.sockets.ZeroTierServerSocket;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code zt4j demo}: everything zt4j does, in one process, with no outside service — a private
 * planet with our own root on 127.0.0.1, a controller and its network, two {@link ZeroTierNode}s
 * that join it; then ping, a TCP echo, a bulk transfer (SHA-256 checked, with its throughput) and
 * a UDP exchange between the two nodes, over the encrypted ZeroTier protocol on real loopback UDP.
 * Each step is printed with its timing; the exit status is 0 when all pass, 1 with the failing
 * step named otherwise. Nothing is written to disk.
 */
@Command(name = "demo", description = "Run a private ZeroTier network in this process (root, controller, two nodes on"
    + " 127.0.0.1) and show ping, TCP, a bulk transfer and UDP between the nodes.")
final class DemoCommand implements Callable<Integer> {
  static final int STEPS = 8;
  static final int TCP_ECHO_PORT = 7;
  static final int TRANSFER_PORT = 5001;
  static final int UDP_ECHO_PORT = 9000;

  @Option(names = "--megabytes", paramLabel = "MB", description = "Size of the bulk transfer (default 100).")
  int megabytes = 100;

  @Option(names = "--step-timeout", paramLabel = "SECONDS", description = "How long a step may wait (default 30).")
  int stepTimeoutSeconds = 30;

  @Option(names = "--progress", paramLabel = "MODE",
      description = "Transfer progress: bar, lines or auto (a bar on a terminal; default).")
  String progress = "auto";

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private PrintWriter out;
  private int step;
  private final List<AutoCloseable> resources = new ArrayList<>();

  /** A step that failed; its message says why. */
  private static final class StepFailed extends Exception {
    private static final long serialVersionUID = 1L;

    StepFailed(String message, Throwable cause) {
      super(message, cause);
    }
  }

  @FunctionalInterface
  private interface Body {
    String run() throws Exception;
  }

  @Override
  public Integer call() throws Exception {
    if (megabytes < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--megabytes must be at least 1");
    }
    out = spec.commandLine().getOut();
    long t0 = System.nanoTime();
    out.println("zt4j demo: a private ZeroTier network inside this process, on 127.0.0.1 only");
    out.flush();
    String failed = null;
    try {
      run();
    } catch (StepFailed e) {
      failed = e.getMessage();
    } finally {
      closeAll();
    }
    if (failed != null) {
      out.println("demo FAILED at step " + failed);
      out.flush();
      return 1;
    }
    out.printf(Locale.ROOT, "demo OK in %.1f s%n", seconds(System.nanoTime() - t0));
    out.flush();
    return 0;
  }

  private <T extends AutoCloseable> T keep(T resource) {
    resources.add(resource);
    return resource;
  }

  private void closeAll() {
    for (int i = resources.size() - 1; i >= 0; i--) {
      try {
        resources.get(i).close();
      } catch (Exception e) {
        // best effort: the demo is over
      }
    }
    resources.clear();
  }

  private Duration timeout() {
    return Duration.ofSeconds(stepTimeoutSeconds);
  }

  /** Runs one step: prints its title, then "ok" with its time and result, or the failure. */
  private void step(String title, Body body) throws StepFailed {
    step++;
    String label = step + "/" + STEPS;
    out.printf("[%s] %s%n", label, title);
    out.flush();
    long t0 = System.nanoTime();
    try {
      String result = body.run();
      out.printf(Locale.ROOT, "      ok   %6.2f s  %s%n", seconds(System.nanoTime() - t0), result);
      out.flush();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw fail(label, title, t0, e);
    } catch (Exception e) {
      throw fail(label, title, t0, e);
    }
  }

  private StepFailed fail(String label, String title, long t0, Exception e) {
    String why = Zt4jCommand.oneLine(e);
    if (e instanceof ExecutionException && e.getCause() != null) {
      why = Zt4jCommand.oneLine(e.getCause());
    }
    out.printf(Locale.ROOT, "      FAILED after %.2f s: %s%n", seconds(System.nanoTime() - t0), why);
    out.flush();
    return new StepFailed(label + " (" + title + "): " + why, e);
  }

  // ------------------------------------------------------------------------------ the steps

  private void run() throws StepFailed {
    PrivateNetwork[] network = new PrivateNetwork[1];
    ZeroTierNode[] nodes = new ZeroTierNode[2];
    ZeroTierNetwork[] joined = new ZeroTierNetwork[2];

    step("root and controller: a private planet and a network", () -> {
      PrivateNetwork n = keep(PrivateNetwork.start(timeout()));
      network[0] = n;
      InetSocketAddress r = n.rootEndpoint();
      return "root " + n.rootId() + " at " + r.getAddress().getHostAddress() + "/" + r.getPort() + " (planet "
          + Long.toUnsignedString(n.planet().id()) + "); controller " + n.controllerId() + " serves private network "
          + n.networkIdString() + " (" + PrivateNetwork.POOL + ", RFC 4193, 6PLANE)";
    });
    step("two nodes start and go online", () -> {
      for (int i = 0; i < 2; i++) {
        nodes[i] = keep(network[0].member("zt4j-demo-" + (char) ('a' + i)).build().start());
      }
      for (ZeroTierNode n : nodes) {
        n.awaitOnline(timeout());
      }
      return "a = " + nodes[0].nodeId() + " on " + udp(nodes[0]) + ", b = " + nodes[1].nodeId() + " on "
          + udp(nodes[1]);
    });
    step("both join the network and get addresses", () -> {
      for (ZeroTierNode n : nodes) {
        network[0].authorize(n.nodeId());
        n.join(network[0].networkId());
      }
      for (int i = 0; i < 2; i++) {
        joined[i] = nodes[i].awaitNetworkReady(network[0].networkId(), timeout());
      }
      return "a: " + addresses(joined[0]) + "; b: " + addresses(joined[1]);
    });
    InetAddress b4 = joined[1] == null ? null : joined[1].ipv4().orElse(null);
    step("ping b from a (ICMP and ICMPv6)", () -> {
      if (b4 == null) {
        throw new IllegalStateException("b has no IPv4 address");
      }
      List<String> parts = new ArrayList<>();
      double[] rtts = new double[3];
      for (int i = 0; i < rtts.length; i++) {
        rtts[i] = millis(nodes[0].ping(b4, timeout()));
      }
      parts.add(String.format(Locale.ROOT, "%s: 3 replies, rtt %.2f/%.2f/%.2f ms", b4.getHostAddress(),
          rtts[0], rtts[1], rtts[2]));
      for (InetAddress v6 : List.of(joined[1].rfc4193().orElseThrow(), joined[1].sixPlane().orElseThrow())) {
        parts.add(String.format(Locale.ROOT, "%s: %.2f ms", v6.getHostAddress(), millis(nodes[0].ping(v6, timeout()))));
      }
      return String.join("; ", parts);
    });
    step("TCP echo a -> b", () -> tcpEcho(nodes[0], nodes[1], b4));
    step(megabytes + " MB over TCP a -> b", () -> transfer(nodes[0], nodes[1], b4));
    step("UDP exchange a <-> b", () -> udpExchange(nodes[0], nodes[1], b4));
    step("stop the nodes, the controller and the root", () -> {
      ZeroTierPeer peer = nodes[0].peers().stream().filter(p -> p.nodeId().equals(nodes[1].nodeId())).findFirst()
          .orElse(null);
      String path = peer == null ? "b unknown to a" : peer.direct()
          ? "a reached b directly over " + peer.paths().stream().filter(ZeroTierPeer.Path::preferred).findFirst()
              .map(p -> p.address().getAddress().getHostAddress() + "/" + p.address().getPort()).orElse("?")
          : "a reached b through the root";
      ZeroTierNode.Counters c = nodes[0].counters();
      closeAll();
      return path + "; a sent " + c.datagramsOut() + " and received " + c.datagramsIn() + " UDP datagrams";
    });
  }

  private static String udp(ZeroTierNode n) {
    InetSocketAddress a = n.localAddresses().get(0);
    return a.getAddress().getHostAddress() + "/" + a.getPort();
  }

  private static String addresses(ZeroTierNetwork n) {
    return String.join(" ", n.addresses().stream().map(ZeroTierNetwork.AssignedAddress::toString).toList());
  }

  private String tcpEcho(ZeroTierNode client, ZeroTierNode server, InetAddress serverIp) throws Exception {
    try (ZeroTierServerSocket ss = server.serverSocket(TCP_ECHO_PORT)) {
      CompletableFuture<Void> echo = CompletableFuture.runAsync(() -> {
        try (Socket s = ss.accept(); InputStream in = s.getInputStream(); OutputStream o = s.getOutputStream()) {
          in.transferTo(o);
        } catch (IOException e) {
          throw new IllegalStateException("echo server: " + e.getMessage(), e);
        }
      }, DemoCommand::daemon);
      String text = "hello from " + client.nodeId();
      byte[] msg = text.getBytes(StandardCharsets.UTF_8);
      try (Socket s = client.socket()) {
        s.connect(new InetSocketAddress(serverIp, TCP_ECHO_PORT), (int) timeout().toMillis());
        s.setSoTimeout((int) timeout().toMillis());
        s.getOutputStream().write(msg);
        s.shutdownOutput();
        byte[] back = s.getInputStream().readAllBytes();
        if (!Arrays.equals(back, msg)) {
          throw new IllegalStateException("echo differs: sent '" + text + "', got '"
              + new String(back, StandardCharsets.UTF_8) + "'");
        }
      }
      echo.get(timeout().toMillis(), TimeUnit.MILLISECONDS);
      return "'" + text + "' echoed by " + serverIp.getHostAddress() + ":" + TCP_ECHO_PORT;
    }
  }

  private String transfer(ZeroTierNode client, ZeroTierNode server, InetAddress serverIp) throws Exception {
    long total = (long) megabytes << 20;
    AtomicLong received = new AtomicLong();
    try (ZeroTierServerSocket ss = server.serverSocket(TRANSFER_PORT)) {
      CompletableFuture<byte[]> sink = CompletableFuture.supplyAsync(() -> {
        try (Socket s = ss.accept()) {
          s.setSoTimeout((int) timeout().toMillis());
          MessageDigest sha = sha256();
          byte[] buf = new byte[64 * 1024];
          InputStream in = s.getInputStream();
          for (int n; (n = in.read(buf)) > 0; ) {
            sha.update(buf, 0, n);
            received.addAndGet(n);
          }
          byte[] digest = sha.digest();
          s.getOutputStream().write(digest);
          s.shutdownOutput();
          return digest;
        } catch (IOException e) {
          throw new IllegalStateException("receiver: " + e.getMessage(), e);
        }
      }, DemoCommand::daemon);
      byte[] block = new byte[1 << 20];
      new SplittableRandom(megabytes).nextBytes(block);
      MessageDigest sha = sha256();
      Progress bar = new Progress(total);
      long t0 = System.nanoTime();
      long deadline = t0 + Math.max(timeout().toNanos(), TimeUnit.SECONDS.toNanos(megabytes)); // >= 8 Mbit/s
      byte[] fromServer = new byte[32];
      try (Socket s = client.socket()) {
        s.connect(new InetSocketAddress(serverIp, TRANSFER_PORT), (int) timeout().toMillis());
        s.setSoTimeout((int) timeout().toMillis());
        OutputStream o = s.getOutputStream();
        for (int i = 0; i < megabytes; i++) {
          block[0] = (byte) i; // every megabyte differs
          sha.update(block);
          for (int off = 0; off < block.length; off += 64 * 1024) {
            o.write(block, off, 64 * 1024);
          }
          bar.update(received.get(), System.nanoTime() - t0);
          if (System.nanoTime() > deadline) {
            throw new TimeoutException("only " + (received.get() >> 20) + " of " + megabytes + " MB arrived in "
                + Duration.ofNanos(System.nanoTime() - t0).toSeconds() + " s");
          }
        }
        s.shutdownOutput();
        new DataInputStream(s.getInputStream()).readFully(fromServer);
      }
      long nanos = System.nanoTime() - t0;
      bar.done(received.get(), nanos);
      byte[] atServer = sink.get(timeout().toMillis(), TimeUnit.MILLISECONDS);
      byte[] sent = sha.digest();
      if (received.get() != total || !Arrays.equals(atServer, sent) || !Arrays.equals(fromServer, sent)) {
        throw new IllegalStateException("data corrupted: sent " + total + " bytes (SHA-256 " + hex(sent, 8)
            + "…), b received " + received.get() + " (SHA-256 " + hex(atServer, 8) + "…)");
      }
      return String.format(Locale.ROOT, "%d MB in %.2f s = %.0f Mbit/s, SHA-256 %s… matches on both ends",
          megabytes, seconds(nanos), total * 8 / seconds(nanos) / 1e6, hex(sent, 8));
    }
  }

  /** Transfer progress: a bar redrawn in place on a terminal, a line per quarter otherwise. */
  private final class Progress {
    private final long total;
    private final boolean bar;
    private long lastDrawNanos = -1_000_000_000L; // the first update draws
    private int lastQuarter;

    Progress(long total) {
      this.total = total;
      this.bar = progress.equals("bar") || (progress.equals("auto") && System.console() != null);
    }

    void update(long done, long elapsedNanos) {
      if (bar) {
        if (elapsedNanos - lastDrawNanos >= 100_000_000L) {
          lastDrawNanos = elapsedNanos;
          draw(done, elapsedNanos);
        }
      } else {
        int quarter = (int) (done * 4 / total);
        if (quarter > lastQuarter && quarter < 4) {
          lastQuarter = quarter;
          out.printf(Locale.ROOT, "      %3d%%  %4d MB  %6.0f Mbit/s%n", quarter * 25, done >> 20,
              rate(done, elapsedNanos));
          out.flush();
        }
      }
    }

    void done(long done, long elapsedNanos) {
      if (bar) {
        draw(done, elapsedNanos);
        out.print("\r" + " ".repeat(72) + "\r");
        out.flush();
      }
    }

    private void draw(long done, long elapsedNanos) {
      int width = 30;
      int filled = (int) Math.min(width, done * width / total);
      out.printf(Locale.ROOT, "\r      [%s%s] %3d%%  %4d MB  %6.0f Mbit/s", "#".repeat(filled),
          " ".repeat(width - filled), done * 100 / total, done >> 20, rate(done, elapsedNanos));
      out.flush();
    }

    private double rate(long bytes, long nanos) {
      return nanos <= 0 ? 0 : bytes * 8 / seconds(nanos) / 1e6;
    }
  }

  private String udpExchange(ZeroTierNode client, ZeroTierNode server, InetAddress serverIp) throws Exception {
    int count = 100;
    int size = 1000;
    try (ZeroTierDatagramSocket echo = server.datagramSocket(UDP_ECHO_PORT);
        ZeroTierDatagramSocket sock = client.datagramSocket(0)) {
      CompletableFuture<Void> echoing = CompletableFuture.runAsync(() -> {
        byte[] buf = new byte[2048];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        try {
          while (true) {
            p.setLength(buf.length);
            echo.receive(p);
            echo.send(new DatagramPacket(buf, p.getLength(), p.getSocketAddress()));
          }
        } catch (IOException closed) {
          // the step is over
        }
      }, DemoCommand::daemon);
      sock.setSoTimeout(1000);
      byte[] payload = new byte[size];
      byte[] back = new byte[2048];
      int echoed = 0;
      double[] rtts = new double[count];
      InetSocketAddress to = new InetSocketAddress(serverIp, UDP_ECHO_PORT);
      for (int i = 0; i < count; i++) {
        payload[0] = (byte) i;
        payload[1] = (byte) (i >> 8);
        long t0 = System.nanoTime();
        sock.send(new DatagramPacket(payload, size, to));
        DatagramPacket p = new DatagramPacket(back, back.length);
        try {
          do {
            sock.receive(p);
          } while (p.getLength() != size || back[0] != payload[0] || back[1] != payload[1]); // a late echo
          rtts[echoed++] = millis(Duration.ofNanos(System.nanoTime() - t0));
        } catch (SocketTimeoutException lost) {
          // UDP: counted as lost
        }
      }
      echo.close();
      try {
        echoing.get(timeout().toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof SocketException)) {
          throw e;
        }
      }
      if (echoed < count * 9 / 10) {
        throw new IllegalStateException("only " + echoed + " of " + count + " datagrams came back");
      }
      double[] got = Arrays.copyOf(rtts, echoed);
      Arrays.sort(got);
      return String.format(Locale.ROOT, "%d datagrams of %d bytes to %s:%d, %d echoed (%d lost), median rtt %.2f ms",
          count, size, serverIp.getHostAddress(), UDP_ECHO_PORT, echoed, count - echoed, got[echoed / 2]);
    }
  }

  // ------------------------------------------------------------------------------ helpers

  private static void daemon(Runnable r) {
    Thread t = new Thread(r, "zt4j-demo-worker");
    t.setDaemon(true);
    t.start();
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String hex(byte[] b, int bytes) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < Math.min(bytes, b.length); i++) {
      s.append(String.format("%02x", b[i]));
    }
    return s.toString();
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }

  private static double millis(Duration d) {
    return d.toNanos() / 1e6;
  }
}
