package io.zt4j.testkit.kernel;

import io.zt4j.testkit.Environment;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Linux network namespace created for one test ({@code ip netns add zt4j-<pid>-<n>}), and the
 * processes the test runs inside it. {@link #close()} ends exactly those processes (by their
 * {@link Process} handles, i.e. by PID) and deletes the namespace; a shutdown hook does the same
 * if the JVM exits first, and {@link #create()} removes namespaces left behind by test JVMs that
 * no longer exist. Needs root: call {@link Environment#assumeRoot()} first.
 *
 * <p>Thread-safe for {@link #exec}/{@link #run}; {@link #close()} once.
 */
public final class NetNamespace implements AutoCloseable {
  static final String PREFIX = "zt4j-";
  private static final AtomicInteger COUNTER = new AtomicInteger();

  private final String name;
  private final List<Process> processes = new ArrayList<>();
  private final Thread hook;
  private boolean closed;

  private NetNamespace(String name) {
    this.name = name;
    this.hook = new Thread(this::cleanup, "netns-cleanup-" + name);
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /** Creates a fresh namespace with its loopback up. Skips (or fails under CI) when not root. */
  public static NetNamespace create() {
    Environment.assumeRoot();
    Environment.assumeCommands("ip");
    removeStale();
    String name = PREFIX + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet();
    ExecResult r = host(Duration.ofSeconds(10), "ip", "netns", "add", name);
    if (r.exitCode() != 0) {
      throw new IllegalStateException("ip netns add " + name + " failed: " + r);
    }
    NetNamespace ns = new NetNamespace(name);
    ns.runChecked("ip", "link", "set", "lo", "up");
    return ns;
  }

  /** Deletes {@code zt4j-<pid>-*} namespaces whose JVM is gone (a previous run was killed). */
  static void removeStale() {
    Path dir = Path.of("/var/run/netns");
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (var s = Files.list(dir)) {
      for (Path p : s.toList()) {
        String n = p.getFileName().toString();
        if (!n.startsWith(PREFIX)) {
          continue;
        }
        String[] parts = n.substring(PREFIX.length()).split("-");
        try {
          long pid = Long.parseLong(parts[0]);
          if (ProcessHandle.of(pid).isEmpty()) {
            host(Duration.ofSeconds(10), "ip", "netns", "del", n);
          }
        } catch (NumberFormatException e) {
          // not one of ours
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String name() {
    return name;
  }

  /** Starts {@code command} inside the namespace; it is ended by {@link #close()}. */
  public synchronized Process exec(String... command) {
    if (closed) {
      throw new IllegalStateException("namespace closed");
    }
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", name));
    cmd.addAll(Arrays.asList(command));
    try {
      Process p = new ProcessBuilder(cmd).start();
      processes.add(p);
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs {@code command} inside the namespace to completion (or kills it after {@code timeout}). */
  public ExecResult run(Duration timeout, String... command) {
    Process p = exec(command);
    return collect(p, timeout, String.join(" ", command));
  }

  /** Runs a short setup command and throws when it fails. */
  public void runChecked(String... command) {
    ExecResult r = run(Duration.ofSeconds(10), command);
    if (r.exitCode() != 0) {
      throw new IllegalStateException("in " + name + ": " + r);
    }
  }

  /**
   * Waits until something in the namespace listens on {@code port}, per {@code ss};
   * {@code protocol} is {@code tcp}, {@code udp}, or with a family: {@code tcp4}, {@code udp6}…
   * True when it does within {@code timeout}. Use it after starting a server ({@code socat},
   * {@code python3 -m http.server}) instead of sleeping.
   */
  public boolean awaitListening(String protocol, int port, Duration timeout) {
    String flag = (protocol.startsWith("tcp") ? "-Hlnt" : "-Hlnu")
        + (protocol.endsWith("4") ? "4" : protocol.endsWith("6") ? "6" : "");
    long end = System.nanoTime() + timeout.toNanos();
    do {
      ExecResult r = run(Duration.ofSeconds(5), "ss", flag, "sport = :" + port);
      if (r.ok() && !r.stdout().isBlank()) {
        return true;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    } while (System.nanoTime() < end);
    return false;
  }

  static ExecResult host(Duration timeout, String... command) {
    try {
      Process p = new ProcessBuilder(command).start();
      return collect(p, timeout, String.join(" ", command));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits for {@code p} and gathers its output; a process past its timeout is killed. */
  public static ExecResult collect(Process p, Duration timeout, String what) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Thread t1 = pump(p.getInputStream(), out);
    Thread t2 = pump(p.getErrorStream(), err);
    boolean done;
    try {
      done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (!done) {
        p.destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
      }
      t1.join(5000);
      t2.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IllegalStateException("interrupted waiting for " + what, e);
    }
    return new ExecResult(what, done ? p.exitValue() : -1, !done, out.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8));
  }

  private static Thread pump(InputStream in, ByteArrayOutputStream out) {
    Thread t = new Thread(() -> {
      try (in) {
        in.transferTo(out);
      } catch (IOException e) {
        // process ended
      }
    }, "pump");
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** Ends every process started here (by handle), then deletes the namespace. */
  @Override
  public void close() {
    cleanup();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // already shutting down
    }
  }

  private synchronized void cleanup() {
    if (closed) {
      return;
    }
    closed = true;
    for (Process p : processes) {
      p.descendants().forEach(ProcessHandle::destroy);
      p.destroy();
    }
    for (Process p : processes) {
      try {
        if (!p.waitFor(2, TimeUnit.SECONDS)) {
          p.descendants().forEach(ProcessHandle::destroyForcibly);
          p.destroyForcibly();
          p.waitFor(2, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    host(Duration.ofSeconds(10), "ip", "netns", "del", name);
  }

  /** What a finished command printed, and how it ended. */
  public record ExecResult(String command, int exitCode, boolean timedOut, String stdout, String stderr) {
    public boolean ok() {
      return exitCode == 0;
    }

    @Override
    public String toString() {
      return "'" + command + "' exit=" + exitCode + (timedOut ? " (timed out)" : "") + "\nstdout: " + stdout
          + "\nstderr: " + stderr;
    }
  }
}
