package io.zt4j.stack.socket.tcp;

import static io.zt4j.stack.socket.tcp.TcpScriptedTest.PEER_ISS;
import static io.zt4j.stack.socket.tcp.TcpScriptedTest.established;
import static io.zt4j.stack.socket.tcp.TcpScriptedTest.iss;
import static io.zt4j.stack.wire.TcpHeader.ACK;
import static io.zt4j.stack.wire.TcpHeader.FIN;
import static org.assertj.core.api.Assertions.assertThat;

import io.zt4j.stack.socket.tcp.Script.Seg;
import org.junit.jupiter.api.Test;

/**
 * ACK coalescing per input batch ({@link Tcp#beginInputBatch}): in-order data is answered with
 * one pure ACK at the end of the batch (stretched up to {@link TcpConfig#ackStretchSegments}
 * segments or a quarter of the receive buffer); everything RFC 5681 §4.2 and RFC 9293 want ACKed
 * at once still is. The peer's segments carry 1448 bytes (MSS 1460 less timestamps).
 */
class TcpAckCoalescingTest {
  static final long MS = Script.MS;
  static final int SEG = 1448;

  /** Sends {@code n} full segments in order starting at {@code seq}; returns the next sequence number. */
  static int segments(Script sc, TcpSocket s, int seq, int n) {
    for (int i = 0; i < n; i++) {
      sc.peer(80, s.localPort()).seq(seq).ack(iss(s) + 1).payload(new byte[SEG]).send();
      seq += SEG;
    }
    return seq;
  }

  @Test
  void oneAckAtTheEndOfABatchCoversAllInOrderData() {
    Script sc = new Script();
    TcpSocket s = established(sc);
    int seq = PEER_ISS + 1;
    sc.tcp.beginInputBatch();
    int end = segments(sc, s, seq, 6);
    sc.expectNothing(); // without the batch: ACKs after segments 2, 4 and 6
    sc.tcp.endInputBatch(sc.now);
    Seg a = sc.next();
    assertThat(a.flags()).isEqualTo(ACK);
    assertThat(a.ack()).isEqualTo(end);
    sc.expectNothing();
    sc.advance(100 * MS);
    sc.expectNothing(); // the delayed-ACK timer was cancelled by the ACK
  }

  @Test
  void outsideABatchEverySecondSegmentIsAcked_rfc5681_4_2() {
    Script sc = new Script();
    TcpSocket s = established(sc);
    int seq = segments(sc, s, PEER_ISS + 1, 1);
    sc.expectNothing();
    seq = segments(sc, s, seq, 1);
    assertThat(sc.next().ack()).isEqualTo(seq);
    sc.tcp.beginInputBatch();
    sc.tcp.endInputBatch(sc.now); // an empty batch owes nothing
    sc.expectNothing();
  }

  @Test
  void theStretchIsCappedAtTheConfiguredSegments() {
    TcpConfig cfg = new TcpConfig();
    cfg.ackStretchSegments = 8;
    Script sc = new Script(cfg);
    TcpSocket s = established(sc);
    int seq = PEER_ISS + 1;
    sc.tcp.beginInputBatch();
    int mid = segments(sc, s, seq, 8);
    Seg a = sc.next();
    assertThat(a.ack()).as("ACK once 8 segments are unacknowledged").isEqualTo(mid);
    int end = segments(sc, s, mid, 7);
    sc.expectNothing();
    sc.tcp.endInputBatch(sc.now);
    assertThat(sc.next().ack()).isEqualTo(end);
    sc.expectNothing();
  }

  @Test
  void theStretchIsCappedAtAQuarterOfTheReceiveBuffer() {
    TcpConfig cfg = new TcpConfig();
    cfg.receiveBufferBytes = 16 * SEG;
    cfg.receiveBufferMaxBytes = 16 * SEG;
    Script sc = new Script(cfg);
    TcpSocket s = established(sc);
    sc.tcp.beginInputBatch();
    int seq = segments(sc, s, PEER_ISS + 1, 3);
    sc.expectNothing();
    seq = segments(sc, s, seq, 1);
    assertThat(sc.next().ack()).as("a quarter of 16 segments").isEqualTo(seq);
    sc.tcp.endInputBatch(sc.now);
    sc.expectNothing();
  }

  @Test
  void aStretchOfTwoOrLessMeansEverySecondSegmentEvenInABatch() {
    TcpConfig cfg = new TcpConfig();
    cfg.ackStretchSegments = 2;
    Script sc = new Script(cfg);
    TcpSocket s = established(sc);
    sc.tcp.beginInputBatch();
    int seq = segments(sc, s, PEER_ISS + 1, 2);
    assertThat(sc.next().ack()).isEqualTo(seq);
    seq = segments(sc, s, seq, 2);
    assertThat(sc.next().ack()).isEqualTo(seq);
    sc.tcp.endInputBatch(sc.now);
    sc.expectNothing();
  }

  @Test
  void outOfOrderDataInABatchIsAckedAtOnceWithSack_rfc5681_4_2() {
    Script sc = new Script();
    TcpSocket s = established(sc);
    int seq = PEER_ISS + 1;
    sc.tcp.beginInputBatch();
    int inOrder = segments(sc, s, seq, 3);
    sc.expectNothing();
    // a hole of one segment, then one beyond it: a duplicate ACK with SACK at once
    sc.peer(80, s.localPort()).seq(inOrder + SEG).ack(iss(s) + 1).payload(new byte[SEG]).send();
    Seg dup = sc.next();
    assertThat(dup.ack()).as("ACKs the in-order data the batch brought so far").isEqualTo(inOrder);
    assertThat(dup.options().sackCount).isEqualTo(1);
    assertThat(dup.options().sackLeft[0]).isEqualTo(inOrder + SEG);
    // the segment filling the hole is ACKed at once too (RFC 5681 §4.2)
    sc.peer(80, s.localPort()).seq(inOrder).ack(iss(s) + 1).payload(new byte[SEG]).send();
    Seg filled = sc.next();
    assertThat(filled.ack()).isEqualTo(inOrder + 2 * SEG);
    assertThat(filled.options().sackCount).isZero();
    sc.tcp.endInputBatch(sc.now);
    sc.expectNothing();
  }

  @Test
  void aDuplicateSegmentInABatchIsAckedAtOnce() {
    Script sc = new Script();
    TcpSocket s = established(sc);
    int seq = PEER_ISS + 1;
    sc.tcp.beginInputBatch();
    int end = segments(sc, s, seq, 3);
    sc.expectNothing();
    sc.peer(80, s.localPort()).seq(seq).ack(iss(s) + 1).payload(new byte[SEG]).send();
    Seg a = sc.next();
    assertThat(a.ack()).isEqualTo(end);
    assertThat(a.options().sackCount).as("D-SACK of the duplicate (RFC 2883)").isLessThanOrEqualTo(1);
    sc.tcp.endInputBatch(sc.now);
    sc.expectNothing();
  }

  @Test
  void finInABatchIsAckedAtOnce() {
    Script sc = new Script();
    TcpSocket s = established(sc);
    sc.tcp.beginInputBatch();
    int end = segments(sc, s, PEER_ISS + 1, 3);
    sc.peer(80, s.localPort()).seq(end).ack(iss(s) + 1).flags(FIN).send();
    Seg a = sc.next();
    assertThat(a.ack()).isEqualTo(end + 1);
    assertThat(s.state()).isEqualTo(TcpState.CLOSE_WAIT);
    sc.tcp.endInputBatch(sc.now);
    sc.expectNothing();
  }

  @Test
  void slowDataStillFollowsTheDelayedAckRulesAcrossBatches_rfc5681_4_2() {
    Script sc = new Script();
    TcpSocket s = established(sc);
    // one segment per batch: the first waits for the delayed-ACK timer
    sc.tcp.beginInputBatch();
    int seq = segments(sc, s, PEER_ISS + 1, 1);
    sc.tcp.endInputBatch(sc.now);
    sc.expectNothing();
    sc.advance(40 * MS);
    assertThat(sc.next().ack()).isEqualTo(seq);
    // two segments in two batches: the second batch's end ACKs both (every second segment)
    sc.tcp.beginInputBatch();
    seq = segments(sc, s, seq, 1);
    sc.tcp.endInputBatch(sc.now);
    sc.expectNothing();
    sc.now += MS;
    sc.tcp.beginInputBatch();
    seq = segments(sc, s, seq, 1);
    sc.expectNothing();
    sc.tcp.endInputBatch(sc.now);
    assertThat(sc.next().ack()).isEqualTo(seq);
  }

  @Test
  void dataWeSendInTheBatchCarriesTheAck() {
    Script sc = new Script();
    TcpSocket s = established(sc);
    sc.tcp.beginInputBatch();
    int end = segments(sc, s, PEER_ISS + 1, 4);
    sc.expectNothing();
    assertThat(s.send(new byte[100], 0, 100, sc.now)).isEqualTo(100);
    Seg d = sc.next();
    assertThat(d.payloadLength()).isEqualTo(100);
    assertThat(d.ack()).isEqualTo(end);
    sc.tcp.endInputBatch(sc.now);
    sc.expectNothing();
  }

  @Test
  void aReadThatReopensAClosedWindowIsAnnouncedAtOnceInABatch() {
    TcpConfig cfg = new TcpConfig();
    cfg.receiveBufferBytes = 4 * SEG;
    cfg.receiveBufferMaxBytes = 4 * SEG;
    cfg.windowScaling = false;
    Script sc = new Script(cfg);
    TcpSocket s = established(sc);
    sc.tcp.beginInputBatch();
    int end = segments(sc, s, PEER_ISS + 1, 4);
    // a quarter of 4 segments is below two: every second segment is ACKed
    assertThat(sc.next().ack()).isEqualTo(end - 2 * SEG);
    Seg closed = sc.next();
    assertThat(closed.ack()).isEqualTo(end);
    assertThat(closed.window()).isZero();
    byte[] buf = new byte[4 * SEG];
    assertThat(s.receive(buf, 0, buf.length, sc.now)).isEqualTo(4 * SEG);
    Seg update = sc.next();
    assertThat(update.window()).as("window update at once, not at the batch end").isEqualTo(4 * SEG);
    sc.tcp.endInputBatch(sc.now);
    sc.expectNothing();
  }

  @Test
  void aConnectionClosedDuringTheBatchSendsNothingAtItsEnd() {
    Script sc = new Script();
    TcpSocket s = established(sc);
    sc.tcp.beginInputBatch();
    segments(sc, s, PEER_ISS + 1, 3);
    sc.expectNothing();
    s.abort(sc.now);
    assertThat(sc.next().has(io.zt4j.stack.wire.TcpHeader.RST)).isTrue();
    sc.tcp.endInputBatch(sc.now);
    sc.expectNothing();
  }

  @Test
  void slowStartCountsEveryByteOfAStretchAckUpToSixteenSegments_rfc3465() {
    for (CongestionControl.Kind kind : CongestionControl.Kind.values()) {
      CongestionControl cc = kind.create(1000);
      int before = cc.cwnd();
      cc.onAck(0, 8000, before, 1_000_000L);
      assertThat(cc.cwnd()).as(kind + ": 8 segments acknowledged by one ACK").isEqualTo(before + 8000);
      int mid = cc.cwnd();
      cc.onAck(0, 40_000, mid, 1_000_000L);
      assertThat(cc.cwnd()).as(kind + ": at most 16 segments per ACK").isEqualTo(mid + 16_000);
    }
  }
}
