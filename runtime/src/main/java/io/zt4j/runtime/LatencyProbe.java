package io.zt4j.runtime;

import java.util.Arrays;
import java.util.Locale;

/**
 * Where the time of a small request goes inside one JVM: nanosecond stamps at the hand-offs of
 * the data path, turned into per-stage samples. A diagnostic for ping-pong workloads (one
 * message in flight, like {@code TwoNodeBench}'s round trips); off unless the JVM runs with
 * {@code -Dzt4j.probe=true} (then {@link #ENABLED} is a constant false the JIT folds away, so
 * the stamps cost nothing).
 *
 * <p>Stages, in the order one message crosses them:
 *
 * <ol>
 *   <li>{@link #WRITE_TO_LOOP}: application {@code write()} → the loop thread awake and running
 *       (0 when the write was sent without a hand-off, on the writing thread or an awake loop);
 *   <li>{@link #LOOP_TO_SENDTO}: from there to the encrypted datagram handed to {@code sendto}
 *       (TCP output, tap, VL2, armour);
 *   <li>{@link #SENDTO}: the {@code sendto} system call (on loopback it carries the datagram
 *       through the kernel's receive path and wakes the peer's loop);
 *   <li>{@link #RECV_TO_DELIVER}: a datagram read from the UDP socket → its bytes in the
 *       connection's rx buffer and the reader woken (dearmour, VL2, tap, IP, TCP);
 *   <li>{@link #DELIVER_TO_READER}: the reader unparked → running again in {@code read()}.
 * </ol>
 *
 * The rest of a round trip (round trip minus the stages of both ends) is the kernel's UDP path
 * and the peer loop's wake-up from {@code epoll}. One probe per JVM (static): use it with one
 * node per JVM.
 */
public final class LatencyProbe {
  /** Whether stamps are taken ({@code -Dzt4j.probe=true}). */
  public static final boolean ENABLED = Boolean.getBoolean("zt4j.probe");

  public static final int WRITE_TO_LOOP = 0;
  public static final int LOOP_TO_SENDTO = 1;
  public static final int RECV_TO_DELIVER = 2;
  public static final int DELIVER_TO_READER = 3;
  public static final int SENDTO = 4;
  private static final String[] NAMES = {"write->loop", "loop->sendto", "recv->deliver", "deliver->reader", "sendto"};
  private static final int KEEP = 1 << 16;

  private static final long[][] samples = new long[NAMES.length][KEEP];
  private static final int[] counts = new int[NAMES.length];
  private static volatile long writeAt;
  private static volatile long loopAt;
  private static volatile long sendAt;
  private static volatile long recvAt;
  private static volatile long deliverAt;

  private LatencyProbe() {}

  /** An application thread is about to hand bytes to its connection. */
  public static void write() {
    if (writeAt == 0) {
      writeAt = System.nanoTime();
    }
  }

  /** The loop thread returned from {@code select}. */
  static void loopAwake() {
    loopAt = System.nanoTime();
  }

  /** A datagram is about to go to {@code sendto}. */
  static void beforeSendto() {
    if (writeAt != 0) {
      sendAt = System.nanoTime();
    }
  }

  /** A datagram went through {@code sendto}: closes the send half of a message. */
  static void sendto() {
    long w = writeAt;
    long s = sendAt;
    if (w == 0 || s == 0) {
      return;
    }
    long now = System.nanoTime();
    long l = loopAt;
    boolean handedOff = l > w;
    add(WRITE_TO_LOOP, handedOff ? l - w : 0);
    add(LOOP_TO_SENDTO, s - (handedOff ? l : w));
    add(SENDTO, now - s);
    writeAt = 0;
    sendAt = 0;
  }

  /** A datagram was read from a UDP socket. */
  static void received() {
    if (recvAt == 0) {
      recvAt = System.nanoTime();
    }
  }

  /** Bytes reached a connection's rx buffer and its reader is being woken. */
  public static void delivered() {
    long r = recvAt;
    if (r == 0) {
      return;
    }
    long now = System.nanoTime();
    add(RECV_TO_DELIVER, now - r);
    recvAt = 0;
    deliverAt = now;
  }

  /** A reader that parked for data runs again. */
  public static void readerAwake() {
    long d = deliverAt;
    if (d == 0) {
      return;
    }
    add(DELIVER_TO_READER, System.nanoTime() - d);
    deliverAt = 0;
  }

  private static synchronized void add(int stage, long nanos) {
    samples[stage][counts[stage]++ & (KEEP - 1)] = nanos;
  }

  /** p50/p90 of every stage since the last reset ("stage p50/p90 µs (n)"), then resets. */
  public static synchronized String summaryAndReset() {
    StringBuilder b = new StringBuilder();
    for (int s = 0; s < NAMES.length; s++) {
      int n = Math.min(counts[s], KEEP);
      long[] v = Arrays.copyOf(samples[s], n);
      Arrays.sort(v);
      if (b.length() > 0) {
        b.append("; ");
      }
      b.append(NAMES[s]);
      if (n == 0) {
        b.append(" -");
      } else {
        b.append(String.format(Locale.ROOT, " %.1f/%.1f µs (%d)", v[n / 2] / 1000.0, v[(int) (n * 0.9)] / 1000.0, n));
      }
      counts[s] = 0;
    }
    writeAt = 0;
    sendAt = 0;
    recvAt = 0;
    deliverAt = 0;
    return b.toString();
  }
}
