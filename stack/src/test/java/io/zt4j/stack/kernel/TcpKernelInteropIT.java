package io.zt4j.stack.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import io.zt4j.stack.Stack;
import io.zt4j.stack.StackConfig;
import io.zt4j.stack.iface.InterfaceConfig;
import io.zt4j.stack.socket.tcp.TcpError;
import io.zt4j.stack.socket.tcp.TcpListener;
import io.zt4j.stack.socket.tcp.TcpSocket;
import io.zt4j.stack.socket.tcp.TcpState;
import io.zt4j.stack.wire.IpAddress;
import io.zt4j.testkit.Environment;
import io.zt4j.testkit.kernel.KernelTap;
import io.zt4j.testkit.kernel.NetNamespace;
import io.zt4j.testkit.kernel.NetNamespace.ExecResult;
import io.zt4j.testkit.link.Impairment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Our TCP against the Linux kernel's, through a TAP in a fresh network namespace (kernel
 * 10.77.0.1 / fd77::1, us 10.77.0.2 / fd77::2, MTU 2800 like ZeroTier's): {@code curl} downloads
 * from our HTTP-ish server and we download from {@code python3 -m http.server}, 200 MB each way
 * with SHA-256 checks, then 20 MB each way with 2% loss and 10 ms delay in both directions
 * injected by the harness relay; refused, reset and half-closed connections behave as the
 * kernel expects. Throughputs are printed. Over the lossy link the kernel's server socket is
 * pinned to CUBIC like our stack (the host's default here is BBR, which ignores random loss and
 * would make the comparison meaningless). Root only.
 */
class TcpKernelInteropIT {
  static final String KERNEL_MAC = "02:77:00:00:00:01";
  static final long OUR_MAC = 0x027700000002L;
  static final IpAddress K4 = IpAddress.parse("10.77.0.1");
  static final IpAddress K6 = IpAddress.parse("fd77::1");
  static final int MTU = 2800;
  static final long BULK = 200L << 20;
  static final long IMPAIRED = 20L << 20;
  static final Duration T = Duration.ofSeconds(10);
  static final Impairment LOSSY = Impairment.NONE.withDelay(10_000_000L).withLoss(0.02);

  static final TcpApps.Body BODY = new TcpApps.Body(0x7A74346AL);

  NetNamespace ns;
  KernelTap tap;
  StackThread st;
  TcpApps apps;

  @BeforeEach
  void setUp() {
    Environment.assumeRoot();
    Environment.assumeCommands("ip", "gcc", "curl", "python3", "ss");
    ns = NetNamespace.create();
    tap = KernelTap.open(ns, "zt0", 5).link(KERNEL_MAC, MTU).kernelAddress("10.77.0.1/24").kernelAddress("fd77::1/64")
        .up();
    st = new StackThread(new Stack(StackConfig.of(new SplittableRandom(5))));
    st.attach(InterfaceConfig.of(OUR_MAC).withMtu(MTU).withAddress("10.77.0.2/24").withAddress("fd77::2/64"), tap);
    apps = new TcpApps();
    st.afterEachRound(apps::round);
  }

  @AfterEach
  void tearDown() {
    if (st != null) {
      st.close();
    }
    if (tap != null) {
      tap.close();
    }
    if (ns != null) {
      ns.close();
    }
  }

  // ---------------------------------------------------------------- bulk transfers

  @Test
  void curlDownloadsFromUsAndWeDownloadFromPythonHttpServer() throws Exception {
    startOurServer(8080);
    Path dir = servedDirectory(BULK);
    startPythonServer(dir, 8000);

    Transfer toKernel = curl("10.77.0.2", BULK, Duration.ofSeconds(240));
    Transfer fromKernel = ourDownload(K4, "10.77.0.1", BULK, Duration.ofSeconds(240));
    System.out.printf("TCP kernel interop, MTU %d, no impairment: kernel curl <- zt4j %.0f Mbit/s; "
        + "zt4j client <- python3 http.server %.0f Mbit/s (200 MB each, SHA-256 checked)%n", MTU, toKernel.mbps(),
        fromKernel.mbps());

    // IPv6 as well (a shorter transfer: same code path, other family)
    Transfer v6 = curl("[fd77::2]", 20L << 20, Duration.ofSeconds(120));
    assertThat(v6.bytes).isEqualTo(20L << 20);
  }

  @Test
  void bothDirectionsWithTwoPercentLossAndTenMillisecondsDelay() throws Exception {
    TcpApps.HttpServer server = startOurServer(8080);
    Path dir = servedDirectory(IMPAIRED);
    startPythonServer(dir, 8000, "cubic");
    tap.impairToKernel(LOSSY).impairFromKernel(LOSSY);

    Transfer toKernel = curl("10.77.0.2", IMPAIRED, Duration.ofSeconds(240));
    Transfer fromKernel = ourDownload(K4, "10.77.0.1", IMPAIRED, Duration.ofSeconds(240));
    assertThat(tap.framesDropped()).as("the relay really dropped frames").isPositive();
    System.out.printf("TCP kernel interop, MTU %d, 2%% loss + 10 ms each way: kernel curl <- zt4j %.1f Mbit/s; "
        + "zt4j client <- python3 http.server %.1f Mbit/s (20 MB each, SHA-256 checked, %d frames dropped)%n", MTU,
        toKernel.mbps(), fromKernel.mbps(), tap.framesDropped());
    System.out.println("  our sender: " + st.call(now -> TcpApps.senderStats(server.last)));
  }

  // ---------------------------------------------------------------- connection semantics

  @Test
  void refusedBothWays() {
    // our connect to a closed kernel port: the kernel's RST means "refused"
    for (IpAddress dst : new IpAddress[] {K4, K6}) {
      TcpSocket c = st.call(now -> st.stack().tcp().connect(dst.hi(), dst.lo(), 9, now));
      assertThat(st.awaitTrue(now -> c.state() == TcpState.CLOSED, T)).as(dst.toString()).isTrue();
      assertThat(c.error()).isEqualTo(TcpError.REFUSED);
    }
    // the kernel's connect to a closed port of ours: our RST is ECONNREFUSED for its connect(),
    // and curl gives up at once (CURLE_COULDNT_CONNECT, not a timeout)
    for (String host : new String[] {"10.77.0.2", "fd77::2"}) {
      ExecResult r = ns.run(T, "python3", "-c", String.join("\n",
          "import socket",
          "try:",
          "    socket.create_connection(('" + host + "', 9), timeout=5); print('connected')",
          "except ConnectionRefusedError:",
          "    print('refused')",
          "except OSError as e:",
          "    print('other', e)"));
      assertThat(r.stdout().trim()).as(r.toString()).isEqualTo("refused");
      String url = host.contains(":") ? "http://[" + host + "]:9/" : "http://" + host + ":9/";
      ExecResult c = ns.run(T, "curl", "-sS", "-g", "--max-time", "5", url);
      assertThat(c.exitCode()).as(c.toString()).isEqualTo(7);
    }
  }

  @Test
  void resetBothWays() throws Exception {
    // the kernel side aborts (SO_LINGER 0): our connection reports a reset
    Process server = ns.exec("python3", "-c", String.join("\n",
        "import socket, struct",
        "s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)",
        "s.bind(('10.77.0.1', 7001)); s.listen()",
        "c, _ = s.accept(); c.recv(100)",
        "c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0)); c.close()"));
    assertThat(ns.awaitListening("tcp4", 7001, T)).isTrue();
    TcpSocket c = st.call(now -> st.stack().tcp().connect(K4.hi(), K4.lo(), 7001, now));
    assertThat(st.awaitTrue(now -> c.state() == TcpState.ESTABLISHED, T)).isTrue();
    st.call(now -> c.send("hello".getBytes(StandardCharsets.US_ASCII), 0, 5, now));
    assertThat(st.awaitTrue(now -> c.state() == TcpState.CLOSED, T)).isTrue();
    assertThat(c.error()).isEqualTo(TcpError.RESET);
    assertThat(st.<Integer>call(now -> c.receive(new byte[10], 0, 10, now))).isEqualTo(TcpSocket.FAILED);
    assertThat(server.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

    // we abort (once the kernel's first byte is here, so its connect() has surely returned):
    // the kernel's recv fails with ECONNRESET
    TcpListener l = st.call(now -> st.stack().tcp().listen(0, 0, 7002, 4));
    st.execute(now -> apps.add(new TcpApps.App() {
      TcpSocket s;

      @Override
      public boolean pump(long n) {
        if (s == null && (s = l.accept()) == null) {
          return true;
        }
        if (s.available() == 0) {
          return true;
        }
        s.abort(n);
        return false;
      }
    }));
    ExecResult r = ns.run(T, "python3", "-c", String.join("\n",
        "import socket",
        "s = socket.create_connection(('10.77.0.2', 7002)); s.sendall(b'x')",
        "try:",
        "    d = s.recv(10); print('eof' if d == b'' else 'data')",
        "except ConnectionResetError:",
        "    print('reset')"));
    assertThat(r.stdout().trim()).as(r.toString()).isEqualTo("reset");

    // closing with unread input is a reset too (RFC 9293 §3.10.4, as Linux)
    TcpListener l2 = st.call(now -> st.stack().tcp().listen(0, 0, 7003, 4));
    st.execute(now -> apps.add(new TcpApps.App() {
      TcpSocket s;

      @Override
      public boolean pump(long n) {
        if (s == null && (s = l2.accept()) == null) {
          return true;
        }
        if (s.available() == 0) {
          return true;
        }
        s.close(n);
        return false;
      }
    }));
    r = ns.run(T, "python3", "-c", String.join("\n",
        "import socket",
        "s = socket.create_connection(('10.77.0.2', 7003)); s.sendall(b'unread data')",
        "try:",
        "    d = s.recv(10); print('eof' if d == b'' else 'data')",
        "except ConnectionResetError:",
        "    print('reset')"));
    assertThat(r.stdout().trim()).as(r.toString()).isEqualTo("reset");
  }

  @Test
  void halfCloseBothWays() throws Exception {
    // the kernel shuts down its sending side: we read to EOF, then answer and close
    TcpListener l = st.call(now -> st.stack().tcp().listen(0, 0, 7004, 4));
    st.execute(now -> apps.add(new TcpApps.App() {
      TcpSocket s;
      final StringBuilder got = new StringBuilder();
      byte[] reply;
      int off;

      @Override
      public boolean pump(long n) {
        if (s == null && (s = l.accept()) == null) {
          return true;
        }
        if (reply == null) {
          byte[] b = new byte[100];
          int k;
          while ((k = s.receive(b, 0, b.length, n)) > 0) {
            got.append(new String(b, 0, k, StandardCharsets.US_ASCII));
          }
          if (k != TcpSocket.EOF) {
            return true;
          }
          reply = ("after your FIN I got: " + got).getBytes(StandardCharsets.US_ASCII);
        }
        off += Math.max(0, s.send(reply, off, reply.length - off, n));
        if (off < reply.length) {
          return true;
        }
        s.close(n);
        return false;
      }
    }));
    ExecResult r = ns.run(T, "python3", "-c", String.join("\n",
        "import socket",
        "s = socket.create_connection(('10.77.0.2', 7004)); s.sendall(b'question'); s.shutdown(socket.SHUT_WR)",
        "data = b''",
        "while True:",
        "    d = s.recv(1000)",
        "    if not d: break",
        "    data += d",
        "print(data.decode())"));
    assertThat(r.stdout().trim()).as(r.toString()).isEqualTo("after your FIN I got: question");

    // we shut down our sending side: the kernel reads EOF and still answers
    ns.exec("python3", "-c", String.join("\n",
        "import socket",
        "s = socket.socket(socket.AF_INET6); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)",
        "s.bind(('fd77::1', 7005)); s.listen()",
        "c, _ = s.accept(); data = b''",
        "while True:",
        "    d = c.recv(1000)",
        "    if not d: break",
        "    data += d",
        "c.sendall(b'echo:' + data); c.close()"));
    assertThat(ns.awaitListening("tcp6", 7005, T)).isTrue();
    TcpSocket c = st.call(now -> st.stack().tcp().connect(K6.hi(), K6.lo(), 7005, now));
    assertThat(st.awaitTrue(now -> c.state() == TcpState.ESTABLISHED, T)).isTrue();
    st.call(now -> {
      c.send("ping".getBytes(StandardCharsets.US_ASCII), 0, 4, now);
      c.shutdownOutput(now);
      return null;
    });
    StringBuilder echo = new StringBuilder();
    assertThat(st.awaitTrue(now -> {
      byte[] b = new byte[100];
      int k;
      while ((k = c.receive(b, 0, b.length, now)) > 0) {
        echo.append(new String(b, 0, k, StandardCharsets.US_ASCII));
      }
      return k == TcpSocket.EOF;
    }, T)).isTrue();
    assertThat(echo.toString()).isEqualTo("echo:ping");
    assertThat(st.<TcpState>call(now -> c.state())).as("we closed first (error %s)", c.error())
        .isEqualTo(TcpState.TIME_WAIT);
    assertThat(c.error()).isEqualTo(TcpError.NONE);
  }

  // ---------------------------------------------------------------- helpers

  record Transfer(long bytes, long nanos) {
    double mbps() {
      return bytes * 8.0 / (nanos / 1e9) / 1e6;
    }
  }

  TcpApps.HttpServer startOurServer(int port) {
    return st.call(now -> {
      TcpListener l = st.stack().tcp().listen(0, 0, port, 64);
      TcpApps.HttpServer server = new TcpApps.HttpServer(l, BODY);
      apps.add(server);
      return server;
    });
  }

  Path servedDirectory(long size) throws Exception {
    Path dir = Files.createTempDirectory("zt4j-tcp-interop");
    dir.toFile().deleteOnExit();
    Path f = dir.resolve("blob");
    BODY.writeTo(f, size);
    f.toFile().deleteOnExit();
    return dir;
  }

  void startPythonServer(Path dir, int port) {
    ns.exec("python3", "-m", "http.server", Integer.toString(port), "--bind", "10.77.0.1", "--directory",
        dir.toString());
    assertThat(ns.awaitListening("tcp4", port, T)).as("python3 http.server listening").isTrue();
  }

  /** python3's http.server with its listening socket (and so its connections) on {@code cc}. */
  void startPythonServer(Path dir, int port, String cc) {
    ns.exec("python3", "-c", String.join("\n",
        "import functools, http.server, socket, sys",
        "class Server(http.server.ThreadingHTTPServer):",
        "    def server_bind(self):",
        "        self.socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, sys.argv[3].encode())",
        "        super().server_bind()",
        "handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])",
        "Server(('10.77.0.1', int(sys.argv[2])), handler).serve_forever()"), dir.toString(), Integer.toString(port), cc);
    assertThat(ns.awaitListening("tcp4", port, T)).as("python3 http.server (%s) listening", cc).isTrue();
  }

  /** Linux curl downloads {@code size} bytes from our server; checks length and SHA-256. */
  Transfer curl(String host, long size, Duration timeout) {
    String url = "http://" + host + ":8080/bytes/" + size;
    long t0 = System.nanoTime();
    ExecResult r = ns.run(timeout, "bash", "-c",
        "set -o pipefail; curl -sS --fail -g -w '%{stderr}%{size_download}' --max-time " + timeout.toSeconds()
            + " '" + url + "' | sha256sum");
    long t1 = System.nanoTime();
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.stderr().trim()).as("bytes curl received").isEqualTo(Long.toString(size));
    assertThat(r.stdout().split(" ")[0]).as("SHA-256 of what curl received").isEqualTo(BODY.sha256(size));
    return new Transfer(size, t1 - t0);
  }

  /** Our client downloads {@code /blob} from the kernel's python3 http.server. */
  Transfer ourDownload(IpAddress server, String host, long size, Duration timeout) {
    long t0 = System.nanoTime();
    TcpApps.HttpClient client = st.call(now -> {
      TcpSocket c = st.stack().tcp().connect(server.hi(), server.lo(), 8000, now);
      TcpApps.HttpClient h = new TcpApps.HttpClient(c, host, "/blob");
      apps.add(h);
      return h;
    });
    long end = System.nanoTime() + timeout.toNanos();
    while (!client.done && System.nanoTime() < end) {
      sleep(20);
    }
    long t1 = System.nanoTime();
    assertThat(client.done).as("download finished (%d of %d bytes)", client.bodyBytes, size).isTrue();
    assertThat(client.failure).isNull();
    assertThat(client.status).startsWith("HTTP/1.0 200");
    assertThat(client.contentLength).isEqualTo(size);
    assertThat(client.bodyBytes).isEqualTo(size);
    assertThat(client.sha256).isEqualTo(BODY.sha256(size));
    return new Transfer(size, t1 - t0);
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
