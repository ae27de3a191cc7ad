package io.zt4j.stack.socket.tcp;

import static io.zt4j.stack.wire.TcpHeader.ACK;
import static io.zt4j.stack.wire.TcpHeader.FIN;
import static io.zt4j.stack.wire.TcpHeader.PSH;
import static io.zt4j.stack.wire.TcpHeader.RST;
import static io.zt4j.stack.wire.TcpHeader.SYN;
import static org.assertj.core.api.Assertions.assertThat;

import io.zt4j.stack.socket.tcp.Script.Seg;
import org.junit.jupiter.api.Test;

/** One behaviour per test, segment by segment, with explicit time (RFC clauses in the names). */
class TcpScriptedTest {
  static final long MS = Script.MS;
  static final int PEER_ISS = 5000;

  /** Active open against a peer with MSS 1460, wscale 7, SACK and timestamps; returns the socket. */
  static TcpSocket established(Script sc) {
    TcpSocket s = sc.tcp.connect(Script.PEER_HI, Script.PEER_LO, 80, sc.now);
    Seg syn = sc.next();
    assertThat(syn.flags()).isEqualTo(SYN);
    sc.now += 10 * MS;
    sc.peer(80, s.localPort()).seq(PEER_ISS).ack(syn.seq() + 1).flags(SYN).mss(1460).wscale(7).sackOk()
        .ts(100, syn.options().tsVal).window(65535).send();
    assertThat(s.state()).isEqualTo(TcpState.ESTABLISHED);
    Seg ack = sc.next();
    assertThat(ack.flags()).isEqualTo(ACK);
    assertThat(ack.seq()).isEqualTo(syn.seq() + 1);
    assertThat(ack.ack()).isEqualTo(PEER_ISS + 1);
    return s;
  }

  static int iss(TcpSocket s) {
    return s.sender.iss;
  }

  @Test
  void synCarriesMssWindowScaleSackAndTimestamps_rfc9293_rfc7323_rfc2018() {
    Script sc = new Script();
    TcpSocket s = sc.tcp.connect(Script.PEER_HI, Script.PEER_LO, 80, sc.now);
    Seg syn = sc.next();
    assertThat(syn.flags()).isEqualTo(SYN);
    assertThat(syn.options().mss).isEqualTo(1460);
    assertThat(syn.options().wscale).isEqualTo(7); // 6 MiB max receive buffer
    assertThat(syn.options().sackPermitted).isTrue();
    assertThat(syn.options().hasTimestamps).isTrue();
    assertThat(syn.options().tsEcr).isZero();
    assertThat(s.localPort()).isBetween(32768, 60999);
    assertThat(s.readiness() & Readiness.WRITABLE).isZero();
  }

  @Test
  void isnsDifferPerConnectionAndAdvanceWithTime_rfc6528() {
    Script sc = new Script();
    TcpSocket a = sc.tcp.connect(Script.PEER_HI, Script.PEER_LO, 80, sc.now);
    TcpSocket b = sc.tcp.connect(Script.PEER_HI, Script.PEER_LO, 81, sc.now);
    assertThat(a.localPort()).isNotEqualTo(b.localPort());
    assertThat(iss(a)).isNotEqualTo(iss(b));
  }

  @Test
  void closedPortAnswersRst_rfc9293_3_10_7_1() {
    Script sc = new Script();
    sc.peer(4000, 9).seq(777).flags(SYN).send();
    Seg r = sc.next();
    assertThat(r.flags()).isEqualTo(RST | ACK);
    assertThat(r.seq()).isZero();
    assertThat(r.ack()).isEqualTo(778);
    sc.peer(4000, 9).seq(1).ack(12345).send();
    r = sc.next();
    assertThat(r.flags()).isEqualTo(RST);
    assertThat(r.seq()).isEqualTo(12345);
    sc.peer(4000, 9).seq(1).flags(RST).send();
    sc.expectNothing();
    assertThat(sc.tcp.dropped(TcpDrop.NO_SOCKET)).isEqualTo(3);
  }

  @Test
  void rstAnsweringSynMeansRefused() {
    Script sc = new Script();
    TcpSocket s = sc.tcp.connect(Script.PEER_HI, Script.PEER_LO, 80, sc.now);
    Seg syn = sc.next();
    sc.peer(80, s.localPort()).seq(0).ack(syn.seq() + 1).flags(RST).send();
    assertThat(s.state()).isEqualTo(TcpState.CLOSED);
    assertThat(s.error()).isEqualTo(TcpError.REFUSED);
    assertThat(s.readiness() & Readiness.ERROR).isNotZero();
    assertThat(s.receive(new byte[1], 0, 1, sc.now)).isEqualTo(TcpSocket.FAILED);
    assertThat(sc.tcp.connectionCount()).isZero();
  }

  @Test
  void synAckWithWrongAckGetsRst_rfc9293_3_10_7_3() {
    Script sc = new Script();
    TcpSocket s = sc.tcp.connect(Script.PEER_HI, Script.PEER_LO, 80, sc.now);
    Seg syn = sc.next();
    sc.peer(80, s.localPort()).seq(PEER_ISS).ack(syn.seq() + 99).flags(SYN).send();
    Seg r = sc.next();
    assertThat(r.flags()).isEqualTo(RST);
    assertThat(r.seq()).isEqualTo(syn.seq() + 99);
    assertThat(s.state()).isEqualTo(TcpState.SYN_SENT);
  }

  @Test
  void synRetriesBackOffThenTimeOut_rfc6298() {
    TcpConfig cfg = new TcpConfig();
    cfg.synRetries = 3;
    Script sc = new Script(cfg);
    TcpSocket s = sc.tcp.connect(Script.PEER_HI, Script.PEER_LO, 80, sc.now);
    long t0 = sc.now;
    sc.next();
    long[] expectedAt = {1000, 3000, 7000};
    for (long at : expectedAt) {
      sc.advance(t0 + at * MS - sc.now - 1);
      sc.expectNothing();
      sc.advance(1);
      assertThat(sc.next().flags()).isEqualTo(SYN);
    }
    sc.advance(16_000 * MS);
    assertThat(s.state()).isEqualTo(TcpState.CLOSED);
    assertThat(s.error()).isEqualTo(TcpError.TIMED_OUT);
  }

  @Test
  void simultaneousOpen_rfc9293_figure8() {
    Script sc = new Script();
    TcpSocket s = sc.tcp.connect(Script.PEER_HI, Script.PEER_LO, 80, sc.now);
    Seg syn = sc.next();
    sc.peer(80, s.localPort()).seq(PEER_ISS).flags(SYN).mss(1460).send();
    assertThat(s.state()).isEqualTo(TcpState.SYN_RECEIVED);
    Seg synAck = sc.next();
    assertThat(synAck.flags()).isEqualTo(SYN | ACK);
    assertThat(synAck.seq()).isEqualTo(syn.seq());
    assertThat(synAck.ack()).isEqualTo(PEER_ISS + 1);
    sc.peer(80, s.localPort()).seq(PEER_ISS + 1).ack(syn.seq() + 1).send();
    assertThat(s.state()).isEqualTo(TcpState.ESTABLISHED);
    assertThat(s.mss()).isEqualTo(1460); // no timestamps negotiated
  }

  @Test
  void passiveOpenAcceptAndReadiness() {
    Script sc = new Script();
    TcpListener l = sc.tcp.listen(0, 0, 80, 8);
    sc.peer(4000, 80).seq(PEER_ISS).flags(SYN).mss(1400).sackOk().send();
    Seg synAck = sc.next();
    assertThat(synAck.flags()).isEqualTo(SYN | ACK);
    assertThat(synAck.ack()).isEqualTo(PEER_ISS + 1);
    assertThat(synAck.options().wscale).as("no wscale unless the SYN had one").isEqualTo(-1);
    assertThat(synAck.options().sackPermitted).isTrue();
    assertThat(synAck.options().hasTimestamps).isFalse();
    assertThat(l.synQueued()).isEqualTo(1);
    assertThat(l.accept()).isNull();
    sc.peer(4000, 80).seq(PEER_ISS + 1).ack(synAck.seq() + 1).send();
    assertThat(sc.tcp.nextReady()).isSameAs(l);
    assertThat(l.readiness()).isEqualTo(Readiness.READABLE);
    TcpSocket s = l.accept();
    assertThat(s.state()).isEqualTo(TcpState.ESTABLISHED);
    assertThat(s.mss()).isEqualTo(1400);
    assertThat(s.readiness()).isEqualTo(Readiness.WRITABLE);
    assertThat(l.synQueued()).isZero();
  }

  @Test
  void ackOfUnsentSynInSynReceivedGetsRst() {
    Script sc = new Script();
    sc.tcp.listen(0, 0, 80, 8);
    sc.peer(4000, 80).seq(PEER_ISS).flags(SYN).send();
    Seg synAck = sc.next();
    sc.peer(4000, 80).seq(PEER_ISS + 1).ack(synAck.seq() + 5).send();
    Seg r = sc.next();
    assertThat(r.flags()).isEqualTo(RST);
    assertThat(r.seq()).isEqualTo(synAck.seq() + 5);
  }

  @Test
  void synCookiesWhenTheSynQueueIsFull() {
    TcpConfig cfg = new TcpConfig();
    cfg.synQueueLimit = 1;
    Script sc = new Script(cfg);
    TcpListener l = sc.tcp.listen(0, 0, 80, 8);
    sc.peer(4000, 80).seq(PEER_ISS).flags(SYN).send();
    sc.next();
    assertThat(sc.tcp.connectionCount()).isEqualTo(1);
    sc.peer(4001, 80).seq(9000).flags(SYN).mss(1460).wscale(6).sackOk().ts(1, 0).send();
    Seg cookie = sc.next();
    assertThat(cookie.flags()).isEqualTo(SYN | ACK);
    assertThat(cookie.options().wscale).isEqualTo(7);
    assertThat(l.cookiesSent()).isEqualTo(1);
    assertThat(sc.tcp.connectionCount()).as("no state kept for the cookie").isEqualTo(1);
    // a forged ACK is refused
    sc.peer(4002, 80).seq(9001).ack(cookie.seq() + 1).send();
    assertThat(sc.next().flags()).isEqualTo(RST);
    assertThat(sc.tcp.dropped(TcpDrop.BAD_COOKIE)).isEqualTo(1);
    // the real one completes the handshake, with wscale and SACK recovered from the timestamp
    sc.now += 5 * MS;
    sc.peer(4001, 80).seq(9001).ack(cookie.seq() + 1).ts(2, cookie.options().tsVal).window(1000).send();
    TcpSocket s = l.accept();
    assertThat(s).isNotNull();
    assertThat(s.state()).isEqualTo(TcpState.ESTABLISHED);
    assertThat(s.remotePort()).isEqualTo(4001);
    assertThat(s.sender.sndScale).isEqualTo(6);
    assertThat(s.sender.sndWnd).isEqualTo(1000 << 6);
    assertThat(s.sender.sackOk).isTrue();
    assertThat(s.mss()).isEqualTo(1460 - 12);
    assertThat(l.cookiesAccepted()).isEqualTo(1);
  }

  @Test
  void rstChecksAndChallengeAcks_rfc5961() {
    Script sc = new Script();
    TcpSocket s = established(sc);
    int port = s.localPort();
    // outside the window: ignored
    sc.peer(80, port).seq(PEER_ISS + 1 + 10_000_000).flags(RST).send();
    sc.expectNothing();
    assertThat(s.state()).isEqualTo(TcpState.ESTABLISHED);
    // in the window but not RCV.NXT: challenge ACK
    sc.peer(80, port).seq(PEER_ISS + 100).flags(RST).send();
    Seg ch = sc.next();
    assertThat(ch.flags()).isEqualTo(ACK);
    assertThat(ch.ack()).isEqualTo(PEER_ISS + 1);
    assertThat(s.state()).isEqualTo(TcpState.ESTABLISHED);
    // a SYN on an established connection: challenge ACK, no reset
    sc.peer(80, port).seq(PEER_ISS + 1).flags(SYN).send();
    assertThat(sc.next().flags()).isEqualTo(ACK);
    assertThat(s.state()).isEqualTo(TcpState.ESTABLISHED);
    // exactly RCV.NXT: reset
    sc.peer(80, port).seq(PEER_ISS + 1).flags(RST).send();
    assertThat(s.state()).isEqualTo(TcpState.CLOSED);
    assertThat(s.error()).isEqualTo(TcpError.RESET);
    assertThat(s.send(new byte[1], 0, 1, sc.now)).isEqualTo(TcpSocket.FAILED);
  }

  @Test
  void ackForDataNeverSentIsAnsweredAndDropped_rfc5961_5() {
    Script sc = new Script();
    TcpSocket s = established(sc);
    sc.peer(80, s.localPort()).seq(PEER_ISS + 1).ack(iss(s) + 1000).payload(new byte[10]).send();
    Seg a = sc.next();
    assertThat(a.ack()).isEqualTo(PEER_ISS + 1); // the data was not accepted
    assertThat(s.available()).isZero();
  }

  @Test
  void delayedAckThenEverySecondFullSegment_rfc5681_4_2() {
    Script sc = new Script();
    TcpSocket s = established(sc);
    int port = s.localPort();
    int seq = PEER_ISS + 1;
    sc.peer(80, port).seq(seq).ack(iss(s) + 1).payload(new byte[100]).send();
    sc.expectNothing();
    sc.advance(39 * MS);
    sc.expectNothing();
    sc.advance(1 * MS);
    Seg a = sc.next();
    assertThat(a.ack()).isEqualTo(seq + 100);
    seq += 100;
    sc.peer(80, port).seq(seq).ack(iss(s) + 1).payload(new byte[1448]).send();
    sc.expectNothing();
    sc.peer(80, port).seq(seq + 1448).ack(iss(s) + 1).payload(new byte[1448]).send();
    assertThat(sc.next().ack()).isEqualTo(seq + 2 * 1448);
  }

  @Test
  void outOfOrderDataGetsAnImmediateDuplicateAckWithSack_rfc2018() {
    Script sc = new Script();
    TcpSocket s = established(sc);
    int port = s.localPort();
    int seq = PEER_ISS + 1;
    sc.peer(80, port).seq(seq + 1000).ack(iss(s) + 1).payload(new byte[500]).send();
    Seg d = sc.next();
    assertThat(d.ack()).isEqualTo(seq);
    assertThat(d.options().sackCount).isEqualTo(1);
    assertThat(d.options().sackLeft[0]).isEqualTo(seq + 1000);
    assertThat(d.options().sackRight[0]).isEqualTo(seq + 1500);
    sc.peer(80, port).seq(seq + 2000).ack(iss(s) + 1).payload(new byte[100]).send();
    d = sc.next();
    assertThat(d.options().sackCount).isEqualTo(2);
    assertThat(d.options().sackLeft[0]).as("most recent block first").isEqualTo(seq + 2000);
    byte[] fill = new byte[1000];
    fill[0] = 42;
    sc.peer(80, port).seq(seq).ack(iss(s) + 1).payload(fill).send();
    d = sc.next();
    assertThat(d.ack()).isEqualTo(seq + 1500);
    assertThat(d.options().sackCount).isEqualTo(1);
    byte[] buf = new byte[4000];
    assertThat(s.receive(buf, 0, buf.length, sc.now)).isEqualTo(1500);
    assertThat(buf[0]).isEqualTo((byte) 42);
  }

  @Test
  void nagleHoldsSmallSegmentsWhileDataIsUnacked_rfc9293_3_7_4() {
    Script sc = new Script();
    TcpSocket s = established(sc);
    assertThat(s.send(new byte[10], 0, 10, sc.now)).isEqualTo(10);
    Seg first = sc.next();
    assertThat(first.payloadLength()).isEqualTo(10);
    assertThat(first.has(PSH)).isTrue();
    s.send(new byte[10], 0, 10, sc.now);
    s.send(new byte[10], 0, 10, sc.now);
    sc.expectNothing();
    sc.peer(80, s.localPort()).seq(PEER_ISS + 1).ack(first.seq() + 10).send();
    Seg second = sc.next();
    assertThat(second.payloadLength()).isEqualTo(20);
    s.noDelay(true);
    s.send(new byte[5], 0, 5, sc.now);
    assertThat(sc.next().payloadLength()).isEqualTo(5);
  }

  @Test
  void retransmissionTimeoutBacksOff_rfc6298_5() {
    Script sc = new Script();
    TcpSocket s = established(sc);
    s.noDelay(true);
    s.send(new byte[100], 0, 100, sc.now);
    Seg d = sc.next();
    long rto = s.rto.rtoNanos();
    assertThat(rto).isEqualTo(200 * MS); // 10 ms RTT sample, 200 ms floor
    sc.advance(rto);
    Seg r1 = sc.next();
    assertThat(r1.seq()).isEqualTo(d.seq());
    assertThat(r1.payloadLength()).isEqualTo(100);
    sc.advance(2 * rto - 1);
    sc.expectNothing();
    sc.advance(1);
    assertThat(sc.next().seq()).isEqualTo(d.seq());
    assertThat(s.rtoExpiries()).isEqualTo(2);
    assertThat(s.congestionWindow()).isEqualTo(s.mss());
  }

  @Test
  void threeDuplicateAcksTriggerFastRetransmit_rfc5681_3_2() {
    Script sc = new Script();
    TcpSocket s = established(sc);
    int port = s.localPort();
    byte[] data = new byte[1448 * 8];
    s.send(data, 0, data.length, sc.now);
    int segs = 0;
    int first = 0;
    while (!sc.out.isEmpty()) {
      Seg g = sc.next();
      if (segs == 0) {
        first = g.seq();
      }
      segs++;
    }
    assertThat(segs).isEqualTo(8);
    int una = first + 1448; // first segment acked, the second lost
    sc.peer(80, port).seq(PEER_ISS + 1).ack(una).send();
    sc.out.clear();
    for (int i = 0; i < 3; i++) {
      sc.peer(80, port).seq(PEER_ISS + 1).ack(una).sack(una + 1448, una + 1448 * (2 + i)).send();
    }
    Seg rx = null;
    while (!sc.out.isEmpty()) {
      Seg g = sc.next();
      if (g.seq() == una) {
        rx = g;
      }
    }
    assertThat(rx).as("the hole was retransmitted").isNotNull();
    assertThat(rx.payloadLength()).isEqualTo(1448);
    assertThat(s.fastRecoveries()).isEqualTo(1);
    assertThat(s.rtoExpiries()).isZero();
  }

  @Test
  void zeroWindowIsProbedAndReopens_rfc9293_3_8_6_1() {
    Script sc = new Script();
    TcpSocket s = established(sc);
    int port = s.localPort();
    sc.peer(80, port).seq(PEER_ISS + 1).ack(iss(s) + 1).window(0).send();
    s.send(new byte[3000], 0, 3000, sc.now);
    sc.expectNothing();
    sc.advance(200 * MS);
    Seg probe = sc.next();
    assertThat(probe.seq()).isEqualTo(iss(s)); // SND.UNA - 1: the peer must answer
    assertThat(probe.payloadLength()).isZero();
    sc.advance(399 * MS);
    sc.expectNothing();
    sc.advance(1 * MS);
    assertThat(sc.next().seq()).isEqualTo(iss(s));
    sc.peer(80, port).seq(PEER_ISS + 1).ack(iss(s) + 1).window(1000).send(); // 1000 << 7
    Seg d = sc.next();
    assertThat(d.payloadLength()).isEqualTo(1448);
    assertThat(s.state()).isEqualTo(TcpState.ESTABLISHED);
  }

  @Test
  void receiveWindowClosesWhenTheApplicationDoesNotRead() {
    TcpConfig cfg = new TcpConfig();
    cfg.receiveBufferBytes = 4096;
    cfg.receiveBufferMaxBytes = 4096;
    cfg.windowScaling = false;
    Script sc = new Script(cfg);
    TcpSocket s = established(sc);
    int seq = PEER_ISS + 1;
    sc.peer(80, s.localPort()).seq(seq).ack(iss(s) + 1).payload(new byte[2048]).send();
    sc.peer(80, s.localPort()).seq(seq + 2048).ack(iss(s) + 1).payload(new byte[2048]).send();
    Seg a = sc.next();
    assertThat(a.ack()).isEqualTo(seq + 4096);
    assertThat(a.window()).isZero();
    // data beyond the window is not accepted
    sc.peer(80, s.localPort()).seq(seq + 4096).ack(iss(s) + 1).payload(new byte[100]).send();
    assertThat(sc.next().ack()).isEqualTo(seq + 4096);
    byte[] buf = new byte[4096];
    assertThat(s.receive(buf, 0, 4096, sc.now)).isEqualTo(4096);
    Seg update = sc.next();
    assertThat(update.window()).as("window update after the read").isEqualTo(4096);
  }

  @Test
  void timestampsPawsDropsOldSegments_rfc7323_5() {
    Script sc = new Script();
    TcpSocket s = established(sc);
    int seq = PEER_ISS + 1;
    sc.peer(80, s.localPort()).seq(seq).ack(iss(s) + 1).ts(200, 0).payload(new byte[10]).send();
    sc.advance(50 * MS);
    assertThat(sc.next().options().tsEcr).isEqualTo(200);
    sc.peer(80, s.localPort()).seq(seq + 10).ack(iss(s) + 1).ts(150, 0).payload(new byte[10]).send();
    assertThat(sc.next().ack()).isEqualTo(seq + 10);
    assertThat(s.available()).isEqualTo(10);
    assertThat(sc.tcp.dropped(TcpDrop.PAWS)).isEqualTo(1);
  }

  @Test
  void halfCloseBothWays() {
    Script sc = new Script();
    TcpSocket s = established(sc);
    int port = s.localPort();
    int seq = PEER_ISS + 1;
    s.shutdownOutput(sc.now);
    Seg fin = sc.next();
    assertThat(fin.flags()).isEqualTo(ACK | FIN);
    assertThat(s.state()).isEqualTo(TcpState.FIN_WAIT_1);
    assertThat(s.send(new byte[1], 0, 1, sc.now)).isEqualTo(TcpSocket.NOT_ALLOWED);
    sc.peer(80, port).seq(seq).ack(fin.seq() + 1).send();
    assertThat(s.state()).isEqualTo(TcpState.FIN_WAIT_2);
    // the peer keeps sending; we keep receiving
    sc.peer(80, port).seq(seq).ack(fin.seq() + 1).payload(new byte[] {1, 2, 3}).send();
    assertThat(s.available()).isEqualTo(3);
    sc.peer(80, port).seq(seq + 3).ack(fin.seq() + 1).flags(FIN).send();
    assertThat(sc.next().ack()).isEqualTo(seq + 4);
    assertThat(s.state()).isEqualTo(TcpState.TIME_WAIT);
    byte[] b = new byte[8];
    assertThat(s.receive(b, 0, 8, sc.now)).isEqualTo(3);
    assertThat(s.receive(b, 0, 8, sc.now)).isEqualTo(TcpSocket.EOF);
    // a retransmitted FIN in TIME_WAIT is ACKed again
    sc.advance(1000 * MS);
    sc.peer(80, port).seq(seq + 3).ack(fin.seq() + 1).flags(FIN).send();
    assertThat(sc.next().ack()).isEqualTo(seq + 4);
    sc.advance(60_000 * MS);
    assertThat(s.state()).isEqualTo(TcpState.CLOSED);
  }

  @Test
  void simultaneousCloseGoesThroughClosing() {
    Script sc = new Script();
    TcpSocket s = established(sc);
    int port = s.localPort();
    s.shutdownOutput(sc.now);
    Seg fin = sc.next();
    sc.peer(80, port).seq(PEER_ISS + 1).ack(fin.seq()).flags(FIN).send();
    assertThat(s.state()).isEqualTo(TcpState.CLOSING);
    sc.next();
    sc.peer(80, port).seq(PEER_ISS + 2).ack(fin.seq() + 1).send();
    assertThat(s.state()).isEqualTo(TcpState.TIME_WAIT);
  }

  @Test
  void passiveCloseThroughLastAck() {
    Script sc = new Script();
    TcpSocket s = established(sc);
    int port = s.localPort();
    sc.peer(80, port).seq(PEER_ISS + 1).ack(iss(s) + 1).flags(FIN).send();
    assertThat(s.state()).isEqualTo(TcpState.CLOSE_WAIT);
    assertThat(sc.next().ack()).isEqualTo(PEER_ISS + 2);
    assertThat(s.readiness() & Readiness.READABLE).isNotZero();
    s.close(sc.now);
    Seg fin = sc.next();
    assertThat(fin.has(FIN)).isTrue();
    assertThat(s.state()).isEqualTo(TcpState.LAST_ACK);
    sc.peer(80, port).seq(PEER_ISS + 2).ack(fin.seq() + 1).send();
    assertThat(s.state()).isEqualTo(TcpState.CLOSED);
    assertThat(s.error()).isEqualTo(TcpError.NONE);
  }

  @Test
  void closeWithUnreadDataResets_rfc2525() {
    Script sc = new Script();
    TcpSocket s = established(sc);
    sc.peer(80, s.localPort()).seq(PEER_ISS + 1).ack(iss(s) + 1).payload(new byte[5]).send();
    sc.out.clear();
    s.close(sc.now);
    Seg r = sc.next();
    assertThat(r.has(RST)).isTrue();
    assertThat(s.state()).isEqualTo(TcpState.CLOSED);
  }

  @Test
  void abortSendsRstAndLingerZeroAborts() {
    Script sc = new Script();
    TcpSocket s = established(sc);
    s.lingerNanos(0);
    s.close(sc.now);
    Seg r = sc.next();
    assertThat(r.flags()).isEqualTo(RST | ACK);
    assertThat(r.seq()).isEqualTo(iss(s) + 1);
    assertThat(sc.tcp.connectionCount()).isZero();
  }

  @Test
  void keepaliveProbesThenTimesOut() {
    Script sc = new Script();
    TcpSocket s = established(sc);
    s.keepAlive(true, 1000 * MS, 100 * MS, 3, sc.now);
    sc.advance(1000 * MS);
    Seg p = sc.next();
    assertThat(p.seq()).isEqualTo(iss(s));
    // an answer resets the count
    sc.peer(80, s.localPort()).seq(PEER_ISS + 1).ack(iss(s) + 1).send();
    sc.advance(1000 * MS);
    sc.next();
    sc.advance(100 * MS);
    sc.next();
    sc.advance(100 * MS);
    sc.next();
    sc.advance(100 * MS);
    assertThat(s.state()).isEqualTo(TcpState.CLOSED);
    assertThat(s.error()).isEqualTo(TcpError.TIMED_OUT);
  }

  @Test
  void icmpUnreachableFailsAConnectAttempt() {
    Script sc = new Script();
    TcpSocket s = sc.tcp.connect(Script.PEER_HI, Script.PEER_LO, 80, sc.now);
    Seg syn = sc.next();
    byte[] q = new byte[8];
    q[0] = (byte) (s.localPort() >>> 8);
    q[1] = (byte) s.localPort();
    q[3] = 80;
    q[4] = (byte) (syn.seq() >>> 24);
    q[5] = (byte) (syn.seq() >>> 16);
    q[6] = (byte) (syn.seq() >>> 8);
    q[7] = (byte) syn.seq();
    sc.tcp.icmpError(Script.US_HI, Script.US_LO, Script.PEER_HI, Script.PEER_LO, q, 0, 8, true, 0, sc.now);
    assertThat(s.state()).isEqualTo(TcpState.CLOSED);
    assertThat(s.error()).isEqualTo(TcpError.UNREACHABLE);
  }

  @Test
  void readyQueueReportsChangesOnly() {
    Script sc = new Script();
    TcpSocket s = established(sc);
    while (sc.tcp.nextReady() != null) {
      // drain
    }
    s.observed();
    sc.peer(80, s.localPort()).seq(PEER_ISS + 1).ack(iss(s) + 1).payload(new byte[5]).send();
    assertThat(sc.tcp.nextReady()).isSameAs(s);
    assertThat(sc.tcp.nextReady()).isNull();
    sc.peer(80, s.localPort()).seq(PEER_ISS + 6).ack(iss(s) + 1).payload(new byte[5]).send();
    assertThat(sc.tcp.nextReady()).as("still readable: no change to report").isNull();
  }

  @Test
  void malformedAndBadChecksumSegmentsAreCountedNotThrown() {
    Script sc = new Script();
    sc.tcp.receive(Script.PEER_HI, Script.PEER_LO, Script.US_HI, Script.US_LO, new byte[10], 0, 10, sc.now);
    byte[] b = new byte[20];
    b[12] = 0x50;
    sc.tcp.receive(Script.PEER_HI, Script.PEER_LO, Script.US_HI, Script.US_LO, b, 0, 20, sc.now);
    assertThat(sc.tcp.dropped(TcpDrop.MALFORMED)).isEqualTo(1);
    assertThat(sc.tcp.dropped(TcpDrop.BAD_CHECKSUM)).isEqualTo(1);
    sc.expectNothing();
  }

  /** A server connection (timestamps on, peer's last TSval 200) that closed first: TIME_WAIT. */
  static TcpSocket serverInTimeWait(Script sc, TcpListener l) {
    sc.peer(4000, 80).seq(PEER_ISS).flags(SYN).mss(1460).sackOk().ts(100, 0).send();
    Seg synAck = sc.next();
    assertThat(synAck.flags()).isEqualTo(SYN | ACK);
    sc.peer(4000, 80).seq(PEER_ISS + 1).ack(synAck.seq() + 1).ts(110, synAck.options().tsVal).send();
    TcpSocket s = l.accept();
    assertThat(s).isNotNull();
    s.close(sc.now);
    Seg fin = sc.next();
    assertThat(fin.has(FIN)).isTrue();
    sc.peer(4000, 80).seq(PEER_ISS + 1).ack(fin.seq() + 1).flags(FIN).ts(200, fin.options().tsVal).send();
    assertThat(sc.next().ack()).isEqualTo(PEER_ISS + 2);
    assertThat(s.state()).isEqualTo(TcpState.TIME_WAIT);
    return s;
  }

  @Test
  void rstDoesNotEndTimeWait_rfc1337() {
    Script sc = new Script();
    TcpListener l = sc.tcp.listen(0, 0, 80, 8);
    TcpSocket s = serverInTimeWait(sc, l);
    // exactly at RCV.NXT, as the peer's answer to a duplicate ACK after it forgot the connection
    sc.peer(4000, 80).seq(PEER_ISS + 2).flags(RST).send();
    sc.expectNothing();
    assertThat(s.state()).isEqualTo(TcpState.TIME_WAIT);
    assertThat(sc.tcp.dropped(TcpDrop.RST_IN_TIME_WAIT)).isEqualTo(1);
    assertThat(sc.tcp.connectionCount()).isEqualTo(1);
    // 2MSL still ends it
    sc.advance(60_000 * MS);
    assertThat(s.state()).isEqualTo(TcpState.CLOSED);
    assertThat(s.error()).isEqualTo(TcpError.NONE);
    assertThat(sc.tcp.connectionCount()).isZero();
  }

  @Test
  void newerSynReopensATimeWaitPairOlderOneGetsAnAck_rfc6191() {
    Script sc = new Script();
    TcpListener l = sc.tcp.listen(0, 0, 80, 8);
    TcpSocket s = serverInTimeWait(sc, l);
    sc.advance(1000 * MS);
    // a SYN whose timestamp is not newer than TS.Recent may be an old duplicate: TIME_WAIT answers
    // with an ACK for what it has and stays
    sc.peer(4000, 80).seq(PEER_ISS + 1_000_000).flags(SYN).mss(1460).ts(200, 0).send();
    Seg a = sc.next();
    assertThat(a.flags()).isEqualTo(ACK);
    assertThat(a.ack()).isEqualTo(PEER_ISS + 2);
    assertThat(s.state()).isEqualTo(TcpState.TIME_WAIT);
    assertThat(l.synQueued()).isZero();
    // a SYN with a newer timestamp is a new incarnation: the old one goes, the listener answers
    sc.peer(4000, 80).seq(PEER_ISS + 1_000_000).flags(SYN).mss(1460).sackOk().ts(300, 0).send();
    assertThat(s.state()).isEqualTo(TcpState.CLOSED);
    assertThat(s.error()).isEqualTo(TcpError.NONE);
    Seg synAck = sc.next();
    assertThat(synAck.flags()).isEqualTo(SYN | ACK);
    assertThat(synAck.ack()).isEqualTo(PEER_ISS + 1_000_001);
    assertThat(synAck.options().tsEcr).isEqualTo(300);
    assertThat(l.synQueued()).isEqualTo(1);
    assertThat(sc.tcp.dropped(TcpDrop.TIME_WAIT_REUSED)).isEqualTo(1);
    sc.peer(4000, 80).seq(PEER_ISS + 1_000_001).ack(synAck.seq() + 1).ts(310, synAck.options().tsVal).send();
    TcpSocket n = l.accept();
    assertThat(n).isNotNull().isNotSameAs(s);
    assertThat(n.state()).isEqualTo(TcpState.ESTABLISHED);
    assertThat(n.remotePort()).isEqualTo(4000);
  }

  @Test
  void synWithoutTimestampsReopensTimeWaitOnlyBeyondRcvNxt_rfc6191() {
    Script sc = new Script();
    TcpListener l = sc.tcp.listen(0, 0, 80, 8);
    // no timestamps on this connection
    sc.peer(4000, 80).seq(PEER_ISS).flags(SYN).mss(1460).send();
    Seg synAck = sc.next();
    sc.peer(4000, 80).seq(PEER_ISS + 1).ack(synAck.seq() + 1).send();
    TcpSocket s = l.accept();
    s.close(sc.now);
    Seg fin = sc.next();
    sc.peer(4000, 80).seq(PEER_ISS + 1).ack(fin.seq() + 1).flags(FIN).send();
    sc.next();
    assertThat(s.state()).isEqualTo(TcpState.TIME_WAIT);
    // at or below RCV.NXT: challenge ACK, TIME_WAIT stays
    sc.peer(4000, 80).seq(PEER_ISS + 2).flags(SYN).mss(1460).send();
    assertThat(sc.next().flags()).isEqualTo(ACK);
    assertThat(s.state()).isEqualTo(TcpState.TIME_WAIT);
    // beyond RCV.NXT: new connection
    sc.peer(4000, 80).seq(PEER_ISS + 70_000).flags(SYN).mss(1460).send();
    assertThat(s.state()).isEqualTo(TcpState.CLOSED);
    assertThat(sc.next().flags()).isEqualTo(SYN | ACK);
    assertThat(l.synQueued()).isEqualTo(1);
  }

  @Test
  void urgentDataIsDeliveredInlineAndTheUrgentPointerIgnored_rfc6093() {
    Script sc = new Script();
    TcpSocket s = established(sc);
    int port = s.localPort();
    byte[] first = {1, 2, 3, 4, 5};
    sc.peer(80, port).seq(PEER_ISS + 1).ack(iss(s) + 1).urgent(3).payload(first).send();
    // an urgent pointer far beyond the data, and one on a segment without payload
    byte[] second = {6, 7, 8};
    sc.peer(80, port).seq(PEER_ISS + 6).ack(iss(s) + 1).urgent(65535).payload(second).send();
    sc.peer(80, port).seq(PEER_ISS + 9).ack(iss(s) + 1).urgent(1).send();
    assertThat(s.state()).isEqualTo(TcpState.ESTABLISHED);
    byte[] b = new byte[16];
    assertThat(s.receive(b, 0, 16, sc.now)).isEqualTo(8);
    assertThat(java.util.Arrays.copyOf(b, 8)).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
    sc.advance(200 * MS);
    Seg ack = sc.out.isEmpty() ? null : sc.out.peekLast();
    assertThat(ack).as("the data is acknowledged").isNotNull();
    assertThat(ack.ack()).isEqualTo(PEER_ISS + 9);
  }

  @Test
  void dsackAcksAreNotDuplicateAcks_rfc2883() {
    Script sc = new Script();
    TcpSocket s = established(sc);
    int port = s.localPort();
    byte[] data = new byte[1448 * 8];
    s.send(data, 0, data.length, sc.now);
    int first = sc.next().seq();
    sc.out.clear();
    int una = first + 1448;
    sc.peer(80, port).seq(PEER_ISS + 1).ack(una).send();
    sc.out.clear();
    // the peer got the first segment twice (the network duplicated it): three ACKs at SND.UNA,
    // each reporting that duplicate as a D-SACK below the cumulative ACK, and nothing else
    for (int i = 0; i < 3; i++) {
      sc.peer(80, port).seq(PEER_ISS + 1).ack(una).sack(first, una).send();
    }
    assertThat(s.dsacksReceived()).isEqualTo(3);
    assertThat(s.fastRecoveries()).as("no loss was reported").isZero();
    assertThat(s.segmentsRetransmitted()).isZero();
    sc.expectNothing();
    // a D-SACK inside the second block (RFC 2883 §4.2 example) carries the second block as news:
    // that block counts (it is SACK information), the D-SACK itself does not
    sc.peer(80, port).seq(PEER_ISS + 1).ack(una).sack(una + 1448 * 3, una + 1448 * 4)
        .sack(una + 1448 * 2, una + 1448 * 5).send();
    assertThat(s.dsacksReceived()).isEqualTo(4);
    assertThat(s.sender.scoreboard.isEmpty()).isFalse();
    // real loss reports still trigger fast retransmit
    for (int i = 0; i < 3; i++) {
      sc.peer(80, port).seq(PEER_ISS + 1).ack(una).sack(una + 1448 * 2, una + 1448 * (5 + i)).send();
    }
    boolean hole = false;
    while (!sc.out.isEmpty()) {
      hole |= sc.next().seq() == una;
    }
    assertThat(hole).as("the hole at SND.UNA was retransmitted").isTrue();
    assertThat(s.fastRecoveries()).isEqualTo(1);
  }

  @Test
  void idleConnectionsGiveBackRingsAndRangeTables() {
    Script sc = new Script();
    TcpSocket s = established(sc);
    int port = s.localPort();
    assertThat(s.bufferBytes()).as("nothing allocated before use").isZero();
    // receive side: a segment out of order (range table), then the hole, then the app reads it
    sc.peer(80, port).seq(PEER_ISS + 1 + 100).ack(iss(s) + 1).payload(new byte[100]).send();
    assertThat(s.receiver.ooo.tableBytes()).isPositive();
    sc.peer(80, port).seq(PEER_ISS + 1).ack(iss(s) + 1).payload(new byte[100]).send();
    assertThat(s.receive(new byte[300], 0, 300, sc.now)).isEqualTo(200);
    // send side: three segments, the peer SACKs the last two (scoreboard), then ACKs all
    byte[] data = new byte[1448 * 3];
    s.send(data, 0, data.length, sc.now);
    int first = iss(s) + 1;
    sc.peer(80, port).seq(PEER_ISS + 201).ack(first).sack(first + 1448, first + 1448 * 3).send();
    assertThat(s.sender.scoreboard.tableBytes()).isPositive();
    sc.peer(80, port).seq(PEER_ISS + 201).ack(first + 1448 * 3).send();
    assertThat(s.bufferBytes()).as("rings and tables while recently busy").isPositive();
    sc.advance(2_000 * MS);
    assertThat(s.state()).isEqualTo(TcpState.ESTABLISHED);
    assertThat(s.bufferBytes()).as("idle for 2 s").isZero();
    // and they come back on use
    sc.peer(80, port).seq(PEER_ISS + 201).ack(first + 1448 * 3).payload(new byte[] {7}).send();
    byte[] b = new byte[4];
    assertThat(s.receive(b, 0, 4, sc.now)).isEqualTo(1);
    assertThat(b[0]).isEqualTo((byte) 7);
  }
}
