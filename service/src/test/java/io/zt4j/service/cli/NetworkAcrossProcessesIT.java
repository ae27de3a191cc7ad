package io.zt4j.service.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.zt4j.sockets.ZeroTierNetwork;
import io.zt4j.sockets.ZeroTierNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The README's "across processes" walk-through: {@code zt4j root run}, {@code zt4j controller run}
 * and two {@code zt4j node run --join} as separate JVMs on 127.0.0.1. The nodes print a
 * {@code NETWORK} line when denied, and another with their addresses once the controller's CLI
 * authorizes them; a {@link ZeroTierNode} in this JVM joins too and pings both processes.
 */
class NetworkAcrossProcessesIT {
  @TempDir Path tmp;
  final List<Process> started = new ArrayList<>();

  record Proc(Process process, List<String> lines) {
    Optional<String> line(Pattern p) {
      return lines.stream().filter(l -> p.matcher(l).find()).findFirst();
    }
  }

  @AfterEach
  void stopProcesses() throws InterruptedException {
    for (Process p : started) {
      if (p.isAlive()) {
        p.destroyForcibly(); // only processes this test started, by handle (PID)
        p.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  Proc spawn(String name, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    started.add(p);
    List<String> lines = new CopyOnWriteArrayList<>();
    Thread t = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String l; (l = r.readLine()) != null; ) {
          lines.add(l);
          System.out.println("[" + name + "] " + l);
        }
      } catch (IOException e) {
        lines.add("read error: " + e);
      }
    }, "read-" + name);
    t.setDaemon(true);
    t.start();
    return new Proc(p, lines);
  }

  static String await(Proc p, Pattern what, long millis) throws InterruptedException {
    long end = System.currentTimeMillis() + millis;
    while (System.currentTimeMillis() < end) {
      Optional<String> l = p.line(what);
      if (l.isPresent()) {
        return l.get();
      }
      if (!p.process().isAlive() && p.line(what).isEmpty()) {
        break;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no line matching " + what + " in " + p.lines());
  }

  String cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = Zt4jCommand.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int rc = cl.execute(args);
    assertThat(rc).as(String.join(" ", args) + ": " + out + err).isZero();
    return out.toString();
  }

  static int freeUdpPort() throws IOException {
    try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      return probe.getLocalPort();
    }
  }

  static int freeTcpPort() throws IOException {
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return probe.getLocalPort();
    }
  }

  @Test
  void nodesInTheirOwnProcessesJoinGetAddressesAndAnswerPing() throws Exception {
    Path root = tmp.resolve("root");
    Path ctl = tmp.resolve("controller");
    Path planet = root.resolve("planet");
    String api = String.valueOf(freeTcpPort());
    cli("root", "init", "--home", root.toString(), "--endpoint", "127.0.0.1/" + freeUdpPort());
    Proc rootProc = spawn("root", "root", "run", "--home", root.toString(), "--status-every", "0");
    Proc ctlProc = spawn("controller", "controller", "run", "--home", ctl.toString(), "--planet", planet.toString(),
        "--bind", "127.0.0.1/0", "--api-port", api);
    await(rootProc, Pattern.compile("^root "), 30_000);
    await(ctlProc, Pattern.compile("^node "), 30_000);
    String nwid = cli("controller", "network", "create", "--home", ctl.toString(), "--api-port", api,
        "--name", "procs", "--ipv4", "10.147.18.0/24", "--rfc4193").strip();
    assertThat(nwid).matches("[0-9a-f]{16}");

    long t0 = System.nanoTime();
    List<Proc> nodes = new ArrayList<>();
    for (String n : List.of("a", "b")) {
      nodes.add(spawn(n, "node", "run", "--home", tmp.resolve(n).toString(), "--planet", planet.toString(),
          "--bind", "127.0.0.1/0", "--join", nwid, "--status-every", "0"));
    }
    Pattern address = Pattern.compile("^node ([0-9a-f]{10}) ");
    Pattern denied = Pattern.compile("^NETWORK " + nwid + " ACCESS_DENIED ");
    Pattern ok = Pattern.compile("^NETWORK " + nwid + " OK procs [0-9a-f:]{17} (10\\.147\\.18\\.\\d+)/24,fd[0-9a-f:]+/88$");
    List<InetAddress> ips = new ArrayList<>();
    for (Proc p : nodes) {
      Matcher m = address.matcher(await(p, address, 30_000));
      assertThat(m.find()).isTrue();
      await(p, denied, 30_000);
      assertThat(cli("controller", "member", "authorize", nwid, m.group(1), "--home", ctl.toString(), "--api-port", api))
          .contains("authorized " + m.group(1));
      Matcher okLine = ok.matcher(await(p, ok, 30_000));
      assertThat(okLine.find()).isTrue();
      ips.add(InetAddress.getByName(okLine.group(1)));
    }
    System.out.printf("two node processes configured within %d ms%n", (System.nanoTime() - t0) / 1_000_000);

    // a member in this JVM reaches both processes over the virtual network
    try (ZeroTierNode here = ZeroTierNode.builder().planet(planet).loopbackOnly().port(0).name("zt4j-it").build().start()) {
      cli("controller", "member", "authorize", nwid, here.nodeId(), "--home", ctl.toString(), "--api-port", api);
      here.join(nwid);
      ZeroTierNetwork n = here.awaitNetworkReady(nwid, Duration.ofSeconds(30));
      assertThat(n.ipv4()).isPresent();
      for (InetAddress ip : ips) {
        assertThat(here.ping(ip, Duration.ofSeconds(10))).as("ping " + ip).isLessThan(Duration.ofSeconds(10));
      }
    }

    for (Proc p : nodes) {
      p.process().destroy(); // SIGTERM: saves state
      assertThat(p.process().waitFor(20, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(tmp.resolve("a/networks.d/" + nwid + ".conf")).exists();
  }
}
