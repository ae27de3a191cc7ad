package io.zt4j.stack.socket.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.zt4j.stack.wire.TcpHeader;
import io.zt4j.stack.wire.TcpOptions;
import java.util.ArrayDeque;
import java.util.Random;

/**
 * Scripted segment tests: one TCP layer ("us", 10.0.0.1) whose output is captured, and a
 * hand-driven peer (10.0.0.2) whose segments the test writes field by field. Time is explicit.
 */
final class Script implements TcpIpOutput {
  static final long MS = 1_000_000L;
  static final long US_HI = 0;
  static final long US_LO = Tcp.V4_MAPPED | 0x0A000001L;
  static final long PEER_HI = 0;
  static final long PEER_LO = Tcp.V4_MAPPED | 0x0A000002L;

  /** A captured segment, decoded. */
  record Seg(int srcPort, int dstPort, int seq, int ack, int flags, int window, int payloadLength, byte[] payload,
      TcpOptions options) {
    boolean has(int f) {
      return (flags & f) != 0;
    }
  }

  final Tcp tcp;
  final TcpConfig cfg;
  final ArrayDeque<Seg> out = new ArrayDeque<>();
  long now = 10_000 * MS;
  int mtu = 1500;

  Script() {
    this(new TcpConfig());
  }

  Script(TcpConfig cfg) {
    this.cfg = cfg;
    this.tcp = new Tcp(this, cfg, new Random(42));
  }

  @Override
  public int headroom() {
    return 0;
  }

  @Override
  public int mtu(long dstHi, long dstLo) {
    return mtu;
  }

  @Override
  public boolean source(long dstHi, long dstLo, long[] o) {
    o[0] = US_HI;
    o[1] = US_LO;
    return true;
  }

  @Override
  public boolean send(long srcHi, long srcLo, long dstHi, long dstLo, byte[] buf, int off, int len, long nowNanos) {
    TcpHeader h = new TcpHeader();
    assertThat(h.wrap(buf, off, len)).isTrue();
    assertThat(h.checksumValid(Tcp.pseudoHeader(srcHi, srcLo, dstHi, dstLo, len))).as("checksum").isTrue();
    TcpOptions o = new TcpOptions();
    assertThat(o.parse(h)).isEqualTo(TcpOptions.OK);
    byte[] p = java.util.Arrays.copyOfRange(buf, h.payloadOffset(), h.payloadOffset() + h.payloadLength());
    out.add(new Seg(h.srcPort(), h.dstPort(), h.seq(), h.ack(), h.flags(), h.window(), h.payloadLength(), p, o));
    return true;
  }

  /** The next captured segment (fails when there is none). */
  Seg next() {
    assertThat(out).as("an emitted segment").isNotEmpty();
    return out.poll();
  }

  void expectNothing() {
    assertThat(out).as("no emitted segment").isEmpty();
  }

  /** Advances time, running due timers. */
  void advance(long nanos) {
    long until = now + nanos;
    while (tcp.pollAt() <= until) {
      now = Math.max(now, tcp.pollAt());
      tcp.poll(now);
    }
    now = until;
  }

  /** Builds a segment from the peer. */
  Inject peer(int srcPort, int dstPort) {
    return new Inject(srcPort, dstPort);
  }

  final class Inject {
    final int sport;
    final int dport;
    int seq;
    int ack;
    int flags;
    int window = 65535;
    int urgentPointer;
    byte[] payload = new byte[0];
    final TcpOptions o = new TcpOptions();

    Inject(int sport, int dport) {
      this.sport = sport;
      this.dport = dport;
    }

    Inject seq(int v) {
      seq = v;
      return this;
    }

    Inject ack(int v) {
      ack = v;
      flags |= TcpHeader.ACK;
      return this;
    }

    Inject flags(int f) {
      flags |= f;
      return this;
    }

    Inject window(int w) {
      window = w;
      return this;
    }

    /** Sets URG and the urgent pointer. */
    Inject urgent(int pointer) {
      flags |= TcpHeader.URG;
      urgentPointer = pointer;
      return this;
    }

    Inject payload(byte[] p) {
      payload = p;
      return this;
    }

    Inject mss(int m) {
      o.mss = m;
      return this;
    }

    Inject wscale(int s) {
      o.wscale = s;
      return this;
    }

    Inject sackOk() {
      o.sackPermitted = true;
      return this;
    }

    Inject ts(int val, int ecr) {
      o.hasTimestamps = true;
      o.tsVal = val;
      o.tsEcr = ecr;
      return this;
    }

    Inject sack(int left, int right) {
      o.sackLeft[o.sackCount] = left;
      o.sackRight[o.sackCount] = right;
      o.sackCount++;
      return this;
    }

    /** Delivers it to the layer. */
    void send() {
      int ol = o.encodedLength();
      int len = 20 + ol + payload.length;
      byte[] b = new byte[len];
      TcpHeader h = new TcpHeader().wrapForWrite(b, 0, len);
      h.srcPort(sport).dstPort(dport).seq(seq).ack(ack).headerLength(20 + ol).flags(flags).window(window)
          .urgentPointer(urgentPointer);
      o.write(b, 20);
      System.arraycopy(payload, 0, b, 20 + ol, payload.length);
      h.fillChecksum(Tcp.pseudoHeader(PEER_HI, PEER_LO, US_HI, US_LO, len));
      tcp.receive(PEER_HI, PEER_LO, US_HI, US_LO, b, 0, len, now);
    }
  }
}
