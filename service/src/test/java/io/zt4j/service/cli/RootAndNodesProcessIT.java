package io.zt4j.service.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.zt4j.node.StateObject;
import io.zt4j.node.identity.Identity;
import io.zt4j.runtime.StateDirectory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Three JVM processes on 127.0.0.1 with a private planet: {@code zt4j root run} and two
 * {@code zt4j node run}. Both nodes go online through the root, exchange USER_MESSAGEs, and get a
 * direct path to each other; on SIGTERM each saves its peer cache.
 */
class RootAndNodesProcessIT {
  @TempDir Path tmp;
  final List<Process> started = new ArrayList<>();

  /** A started process and the lines it printed. */
  record Proc(Process process, List<String> lines) {
    boolean printed(Predicate<String> p) {
      return lines.stream().anyMatch(p);
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
    List<String> cmd = new ArrayList<>();
    cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx256m");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(Main.class.getName());
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

  static boolean waitFor(java.util.function.BooleanSupplier c, long millis) throws InterruptedException {
    long end = System.currentTimeMillis() + millis;
    while (System.currentTimeMillis() < end) {
      if (c.getAsBoolean()) {
        return true;
      }
      Thread.sleep(100);
    }
    return c.getAsBoolean();
  }

  @Test
  void rootAndTwoNodesInSeparateProcesses() throws Exception {
    int rootPort;
    try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      rootPort = probe.getLocalPort();
    }
    Path rootHome = tmp.resolve("root");
    StringWriter out = new StringWriter();
    CommandLine cl = Zt4jCommand.commandLine();
    cl.setOut(new PrintWriter(out, true));
    assertThat(cl.execute("root", "init", "--home", rootHome.toString(), "--endpoint", "127.0.0.1/" + rootPort)).isZero();
    Path planet = rootHome.resolve("planet");
    assertThat(planet).exists();

    SecureRandom random = new SecureRandom();
    Identity a = Identity.generate(random);
    Identity b = Identity.generate(random);
    for (Object[] n : new Object[][] {{"a", a}, {"b", b}}) {
      StateDirectory d = StateDirectory.open(tmp.resolve((String) n[0]));
      d.write(StateObject.IDENTITY_SECRET, 0, ((Identity) n[1]).toString(true).getBytes(StandardCharsets.US_ASCII));
    }

    long t0 = System.nanoTime();
    Proc root = spawn("root", "root", "run", "--home", rootHome.toString(), "--status-every", "0");
    assertThat(waitFor(() -> root.printed(l -> l.startsWith("root ")), 20_000)).as("root started").isTrue();
    Proc pa = spawn("a", "node", "run", "--home", tmp.resolve("a").toString(), "--planet", planet.toString(),
        "--bind", "127.0.0.1/0", "--send-to", b.address().toString(), "--status-every", "5");
    Proc pb = spawn("b", "node", "run", "--home", tmp.resolve("b").toString(), "--planet", planet.toString(),
        "--bind", "127.0.0.1/0", "--send-to", a.address().toString(), "--status-every", "5");

    assertThat(waitFor(() -> pa.printed("ONLINE"::equals) && pb.printed("ONLINE"::equals), 30_000)).as("online").isTrue();
    assertThat(waitFor(() -> pa.printed(l -> l.startsWith("MESSAGE " + b.address()))
        && pb.printed(l -> l.startsWith("MESSAGE " + a.address())), 30_000)).as("messages").isTrue();
    assertThat(waitFor(() -> pa.printed(l -> l.startsWith("PEER " + b.address() + " DIRECT 127.0.0.1/"))
        && pb.printed(l -> l.startsWith("PEER " + a.address() + " DIRECT 127.0.0.1/")), 30_000)).as("direct").isTrue();
    System.out.printf("three processes: online, messages and direct paths within %d ms%n", (System.nanoTime() - t0) / 1_000_000);
    // The peers table lists the root as PLANET with a direct path.
    assertThat(waitFor(() -> pa.printed(l -> l.contains(" PLANET ") && l.contains("DIRECT") && l.contains("127.0.0.1/" + rootPort)), 15_000)).isTrue();

    for (Proc p : List.of(pa, pb, root)) {
      p.process().destroy(); // SIGTERM: the node saves its state and exits
      assertThat(p.process().waitFor(20, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(Files.list(tmp.resolve("a/peers.d")).map(p -> p.getFileName().toString()))
        .contains(b.address() + ".peer");
    assertThat(Files.readString(tmp.resolve("a/identity.public"))).isEqualTo(a.toString(false));
    assertThat(Files.readAllBytes(tmp.resolve("a/planet"))).isEqualTo(Files.readAllBytes(planet));
  }
}
