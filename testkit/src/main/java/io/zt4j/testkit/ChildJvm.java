package io.zt4j.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a {@code main} class of the current test classpath in a child JVM, possibly of another
 * JDK (e.g. a Java 21+ scenario while the build runs on 17). The child is killed when it
 * outlives the timeout; its stdout and stderr are collected together.
 */
public final class ChildJvm {
  private ChildJvm() {}

  /** How a child JVM ended: its exit code ({@code -1} when it was killed) and its output. */
  public record Result(int exitCode, boolean timedOut, String output) {
    /** A one-line-per-fact description for assertion messages. */
    public String describe() {
      return (timedOut ? "killed after timeout" : "exit code " + exitCode) + ", output:\n" + output;
    }
  }

  /**
   * Runs {@code mainClass} with {@code javaHome}'s {@code bin/java}, this JVM's classpath and
   * {@code jvmArgs}, passing {@code args}.
   */
  public static Result run(Path javaHome, List<String> jvmArgs, String mainClass, List<String> args, Duration timeout) {
    List<String> cmd = new ArrayList<>();
    cmd.add(javaHome.resolve("bin").resolve("java").toString());
    cmd.addAll(jvmArgs);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(mainClass);
    cmd.addAll(args);
    Process p;
    try {
      p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + cmd.get(0), e);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Thread reader = new Thread(() -> collect(p.getInputStream(), out), "child-jvm-output");
    reader.setDaemon(true);
    reader.start();
    boolean exited;
    try {
      exited = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (!exited) {
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
      }
      reader.join(10_000);
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the child JVM", e);
    }
    synchronized (out) {
      return new Result(exited ? p.exitValue() : -1, !exited, out.toString(StandardCharsets.UTF_8));
    }
  }

  private static void collect(InputStream in, ByteArrayOutputStream out) {
    byte[] buf = new byte[8192];
    try (in) {
      for (int n; (n = in.read(buf)) > 0; ) {
        synchronized (out) {
          out.write(buf, 0, n);
        }
      }
    } catch (IOException e) {
      synchronized (out) {
        out.writeBytes(("\n[output read failed: " + e.getMessage() + "]").getBytes(StandardCharsets.UTF_8));
      }
    }
  }
}
