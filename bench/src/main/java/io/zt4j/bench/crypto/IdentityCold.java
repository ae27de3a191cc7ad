package io.zt4j.bench.crypto;

import io.zt4j.node.identity.Identity;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * The first {@link Identity#locallyValidate()} in a fresh JVM (what a freshly started node does
 * with its own identity), then five more: thread CPU and wall time of each, and the process's CPU
 * time at the end of the first (JVM start and JIT threads included). Run it several times; every
 * run is one cold sample.
 *
 * <p>{@code java -cp bench/target/benchmarks.jar io.zt4j.bench.crypto.IdentityCold}
 */
public final class IdentityCold {
  private IdentityCold() {}

  public static void main(String[] args) {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    long w0 = System.nanoTime();
    long c0 = mx.getCurrentThreadCpuTime();
    Identity id = Identity.fromString("5b29cdda7a:0:a52cc4076771cd0f6049df229947d1909eb0a422dcc5f71df6"
        + "0349e2545b07459e06a8a314d0dcf5277babb02f56e6893d9f4bdebf580b8cf6014880e90a9eee").orElseThrow();
    boolean ok = id.locallyValidate();
    long w1 = System.nanoTime();
    long c1 = mx.getCurrentThreadCpuTime();
    long process = ((com.sun.management.OperatingSystemMXBean)
        ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    if (!ok) {
      throw new IllegalStateException("identity did not validate");
    }
    StringBuilder next = new StringBuilder();
    for (int i = 0; i < 5; i++) {
      long w = System.nanoTime();
      long c = mx.getCurrentThreadCpuTime();
      id.locallyValidate();
      next.append(String.format(" %.1f/%.1f", (System.nanoTime() - w) / 1e6,
          (mx.getCurrentThreadCpuTime() - c) / 1e6));
    }
    System.out.printf("first validate: wall %.0f ms, thread CPU %.0f ms, process CPU so far %.0f ms;"
        + " next five, wall/CPU ms:%s%n", (w1 - w0) / 1e6, (c1 - c0) / 1e6, process / 1e6, next);
  }
}
