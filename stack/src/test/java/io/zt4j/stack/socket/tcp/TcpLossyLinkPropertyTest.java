package io.zt4j.stack.socket.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.MessageDigest;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

/**
 * Bulk transfers in both directions at once over a link with seeded loss (up to 10%),
 * duplication, reordering and delay, with and without input batches (ACK coalescing): every byte arrives exactly once and in order (SHA-256),
 * progress never stalls for more than a few RTOs, and both ends finish in CLOSED/TIME_WAIT.
 */
class TcpLossyLinkPropertyTest {
  static final long MS = SimNet.MS;

  @Property(tries = 60)
  void bidirectionalTransferSurvivesAFaultyLink(
      @ForAll long seed,
      @ForAll @DoubleRange(min = 0, max = 0.10) double loss,
      @ForAll @DoubleRange(min = 0, max = 0.05) double dup,
      @ForAll @DoubleRange(min = 0, max = 0.3) double reorder,
      @ForAll @IntRange(min = 1, max = 20) int delayMs,
      @ForAll @IntRange(min = 20_000, max = 400_000) int bytesAtoB,
      @ForAll @IntRange(min = 0, max = 200_000) int bytesBtoA,
      @ForAll boolean cubic,
      @ForAll boolean sack,
      @ForAll boolean batched) throws Exception {
    transfer(seed, loss, dup, reorder, delayMs, 1500, bytesAtoB, bytesBtoA, cubic, sack, batched);
  }

  /**
   * One connection over a {@link SimNet} link with these faults, {@code bytesAtoB} and
   * {@code bytesBtoA} at once; asserts exact delivery (SHA-256), the stall budget, RTO sanity and
   * a clean close of both ends. With {@code batched}, segments arriving at one instant are one
   * input batch (ACK coalescing). Returns the virtual time the transfer took.
   */
  static long transfer(long seed, double loss, double dup, double reorder, int delayMs, int mtu, long bytesAtoB,
      long bytesBtoA, boolean cubic, boolean sack, boolean batched) throws Exception {
    SimNet net = new SimNet(seed);
    net.batched = batched;
    if (System.getenv("TCP_TRACE") != null) {
      net.trace = System.out;
    }
    net.loss = loss;
    net.duplicate = dup;
    net.reorder = reorder;
    net.delayNanos = delayMs * MS;
    net.jitterNanos = 3L * delayMs * MS;
    TcpConfig cfg = new TcpConfig();
    cfg.congestionControl = cubic ? CongestionControl.Kind.CUBIC : CongestionControl.Kind.NEW_RENO;
    cfg.sack = sack;
    cfg.synRetries = 30;
    cfg.maxRetransmits = 30;
    SimNet.Host a = net.host(0x0A000001, mtu, cfg);
    SimNet.Host b = net.host(0x0A000002, mtu, cfg);
    TcpListener l = b.tcp.listen(0, 0, 80, 4);
    long startNanos = net.now;
    TcpSocket c = a.tcp.connect(b.hi, b.lo, 80, net.now);
    TcpSocket s = null;
    long deadline = net.now + Math.max(600_000 * MS, (bytesAtoB + bytesBtoA) / 100_000 * 1_000 * MS);
    Pump ab = new Pump(seed ^ 1, bytesAtoB);
    Pump ba = new Pump(seed ^ 2, bytesBtoA);
    long lastProgress = net.now;
    long maxStall = 0;
    StallBudget budget = new StallBudget();
    while (net.now < deadline) {
      if (s == null) {
        s = l.accept();
      }
      boolean progress = ab.pump(c, s, net.now);
      if (s != null) {
        progress |= ba.pump(s, c, net.now);
      }
      budget.observe(c);
      budget.observe(s);
      if (budget.establishedAtNanos == 0 && s != null && s.state() != TcpState.SYN_RECEIVED) {
        budget.establishedAtNanos = net.now;
      }
      if (progress) {
        long stall = net.now - lastProgress;
        maxStall = Math.max(maxStall, stall);
        assertThat(stall).as("stall ending at %d ms (%s)", net.now / MS, budget).isLessThanOrEqualTo(budget.allowedNanos());
        budget.reset(c, s);
        lastProgress = net.now;
      }
      if (ab.done() && ba.done() && s != null) {
        break;
      }
      if (!net.stepOnce(deadline)) {
        break;
      }
    }
    assertThat(s).as("accepted").isNotNull();
    if (loss >= 0.05 && net.sent > 500) {
      assertThat(net.lost).as("the link really lost segments").isPositive();
    }
    if (System.getenv("TCP_DEBUG") != null) {
      System.err.printf("loss=%.3f sent=%d lost=%d rexmit=%d/%d rto=%d/%d fr=%d/%d stall=%dms%n", loss, net.sent, net.lost,
          c.segmentsRetransmitted(), s.segmentsRetransmitted(), c.rtoExpiries(), s.rtoExpiries(), c.fastRecoveries(),
          s.fastRecoveries(), maxStall / MS);
    }
    if (System.getenv("TCP_DEBUG") != null && ab.received != bytesAtoB) {
      System.err.println(dump(c) + "\n" + dump(s));
    }
    assertThat(ab.received).isEqualTo(bytesAtoB);
    assertThat(ba.received).isEqualTo(bytesBtoA);
    assertThat(ab.rd.digest()).isEqualTo(ab.sd.digest());
    assertThat(ba.rd.digest()).isEqualTo(ba.sd.digest());
    // RTT samples are round trips of the path (≤ 2 × (20 ms + 60 ms jitter) + delayed ACK), never
    // lost-ACK recovery time (that once stretched timeouts to minutes). The one legitimate long
    // sample is the handshake's when the peer's SYN-ACK was retransmitted by its timer (Linux
    // takes it too); RFC 6298's first-sample rule makes the RTO three times that.
    long handshake = budget.establishedAtNanos - startNanos;
    assertThat(budget.maxBaseRtoNanos).as("largest RTO before backoff (handshake took %d ms)", handshake / MS)
        .isLessThan(Math.max(3_000 * MS, 4 * handshake));

    long took = net.now - startNanos;
    c.close(net.now);
    s.close(net.now);
    net.runUntil(net.now + 400_000 * MS);
    assertThat(c.state()).isIn(TcpState.CLOSED, TcpState.TIME_WAIT);
    assertThat(s.state()).isIn(TcpState.CLOSED, TcpState.TIME_WAIT);
    assertThat(c.error()).isEqualTo(TcpError.NONE);
    net.runUntil(net.now + 120_000 * MS);
    assertThat(a.tcp.connectionCount()).isZero();
    assertThat(b.tcp.connectionCount()).isZero();
    return took;
  }

  static String dump(TcpSocket x) {
    TcpSender t = x.sender;
    TcpReceiver r = x.receiver;
    return x + " una=" + t.sndUna + " nxt=" + t.sndNxt + " max=" + t.sndMax + " wnd=" + t.sndWnd + " bufSeq=" + t.sndBufSeq
        + " queued=" + t.queued() + " cwnd=" + t.cc.cwnd() + " rec=" + t.inRecovery + " rp=" + t.recoveryPoint + " hrx=" + t.highRxt
        + " dup=" + t.dupAcks + " rtoAt=" + t.rtoAt + " persistAt=" + t.persistAt + " | rcvNxt=" + r.rcvNxt + " adv=" + r.rcvAdvEdge
        + " readable=" + r.readable() + " ooo=" + r.ooo.count() + " dack=" + r.delayedAckAt + " next=" + x.nextDeadline();
  }

  /**
   * "No stall longer than a few RTOs": progress may pause only as long as the retransmission
   * timer's backoff schedule explains. Over a stall the timer ran at backoff 0, 1, …, k at most
   * (k the largest backoff seen), so the stall is bounded by base·(2^(k+1) − 1) plus a little for
   * delayed ACKs and delivery. Long stalls do happen when the link drops a retransmission or its
   * ACK several times in a row (at 10% loss each way a round fails 19% of the time); what must
   * not happen is a stall the timers do not account for (a lost timer, a deadlock, an inflated
   * RTO, a window that never reopens).
   */
  static final class StallBudget {
    long maxBaseRtoNanos;
    long stallBaseRtoNanos;
    long establishedAtNanos;
    int maxBackoff;

    void observe(TcpSocket x) {
      if (x == null) {
        return;
      }
      long base = x.rto.baseRtoNanos();
      maxBaseRtoNanos = Math.max(maxBaseRtoNanos, base);
      stallBaseRtoNanos = Math.max(stallBaseRtoNanos, base);
      maxBackoff = Math.max(maxBackoff, x.rto.backoffCount());
    }

    long allowedNanos() {
      long schedule = 0;
      for (int i = 0; i <= maxBackoff; i++) {
        schedule += Math.min(stallBaseRtoNanos << Math.min(i, 20), RtoEstimator.MAX_RTO_NANOS);
      }
      return schedule + 2_000 * MS;
    }

    void reset(TcpSocket c, TcpSocket s) {
      stallBaseRtoNanos = 0;
      maxBackoff = 0;
      observe(c);
      observe(s);
    }

    @Override
    public String toString() {
      return "base RTO " + stallBaseRtoNanos / MS + " ms, backoff up to " + maxBackoff;
    }
  }

  /** One direction of a transfer: seeded data in, SHA-256 on both sides. */
  static final class Pump {
    final Random data;
    final long total;
    final MessageDigest sd;
    final MessageDigest rd;
    final byte[] chunk = new byte[16 * 1024];
    final byte[] in = new byte[16 * 1024];
    long sent;
    long received;
    int pending;
    int pendingOff;

    Pump(long seed, long total) throws Exception {
      this.data = new Random(seed);
      this.total = total;
      this.sd = MessageDigest.getInstance("SHA-256");
      this.rd = MessageDigest.getInstance("SHA-256");
    }

    boolean done() {
      return received == total;
    }

    boolean pump(TcpSocket from, TcpSocket to, long now) {
      boolean progress = false;
      if (sent < total) {
        if (pending == 0) {
          pending = (int) Math.min(chunk.length, total - sent);
          pendingOff = 0;
          data.nextBytes(chunk);
        }
        int w = from.send(chunk, pendingOff, pending, now);
        assertThat(w).isGreaterThanOrEqualTo(0);
        if (w > 0) {
          sd.update(chunk, pendingOff, w);
          sent += w;
          pending -= w;
          pendingOff += w;
        }
      }
      if (to != null) {
        int r;
        while ((r = to.receive(in, 0, in.length, now)) > 0) {
          rd.update(in, 0, r);
          received += r;
          progress = true;
        }
        assertThat(r).isGreaterThanOrEqualTo(0);
      }
      return progress;
    }
  }
}
