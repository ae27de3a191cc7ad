package io.zt4j.stack.socket.tcp;

import static io.zt4j.stack.wire.TcpHeader.ACK;
import static io.zt4j.stack.wire.TcpHeader.SYN;
import static org.assertj.core.api.Assertions.assertThat;

import io.zt4j.stack.socket.tcp.Script.Seg;
import org.junit.jupiter.api.Test;

/**
 * RTT samples with timestamps (RFC 7323 §4, RFC 6298 §3 Karn) must measure a round trip of the
 * path, never the time spent recovering from lost ACKs: one such sample once stretched the RTO to
 * a minute and stalled lossy transfers for minutes.
 */
class TcpRttSamplingTest {
  static final long MS = Script.MS;
  static final int PEER_ISS = TcpScriptedTest.PEER_ISS;

  @Test
  void echoOfAnEarlierTransmissionAfterARetransmissionIsNoSample() {
    Script sc = new Script();
    TcpSocket s = TcpScriptedTest.established(sc);
    int port = s.localPort();
    long srtt = s.srttNanos();
    s.noDelay(true);
    s.send(new byte[100], 0, 100, sc.now);
    Seg first = sc.next();
    sc.advance(200 * MS);
    Seg r1 = sc.next();
    sc.advance(400 * MS);
    Seg r2 = sc.next();
    assertThat(r1.seq()).isEqualTo(first.seq());
    assertThat(r2.seq()).isEqualTo(first.seq());
    assertThat(s.rto.backoffCount()).isEqualTo(2);
    // the peer got the first copy but its ACK was lost; the ACK it sends for the latest copy
    // echoes the first copy's TSval (RFC 7323 §5.3: a duplicate does not update TS.Recent)
    sc.now += 10 * MS;
    sc.peer(80, port).seq(PEER_ISS + 1).ack(first.seq() + 100).ts(500, first.options().tsVal).send();
    assertThat(s.srttNanos()).as("610 ms is not a round trip: no sample").isEqualTo(srtt);
    assertThat(s.rto.backoffCount()).as("backoff kept until a valid sample (RFC 6298 §5.7)").isEqualTo(2);
    // new data sent after the retransmission gives a valid sample again
    s.send(new byte[100], 0, 100, sc.now);
    Seg next = sc.next();
    sc.now += 12 * MS;
    sc.peer(80, port).seq(PEER_ISS + 1).ack(next.seq() + 100).ts(510, next.options().tsVal).send();
    assertThat(s.rto.backoffCount()).isZero();
    assertThat(s.srttNanos()).isBetween(10 * MS, 13 * MS);
  }

  @Test
  void echoOfTheRetransmissionItselfIsASample() {
    Script sc = new Script();
    TcpSocket s = TcpScriptedTest.established(sc);
    s.noDelay(true);
    s.send(new byte[100], 0, 100, sc.now);
    sc.next();
    sc.advance(200 * MS);
    Seg r1 = sc.next();
    sc.now += 30 * MS;
    sc.peer(80, s.localPort()).seq(PEER_ISS + 1).ack(r1.seq() + 100).ts(500, r1.options().tsVal).send();
    assertThat(s.rto.backoffCount()).isZero();
    assertThat(s.srttNanos()).as("10 ms and one 30 ms sample").isBetween(12 * MS, 13 * MS);
  }

  @Test
  void aRetransmittedSegmentWeAlreadyHaveIsAckedWithItsOwnTimestamp() {
    Script sc = new Script();
    TcpSocket s = TcpScriptedTest.established(sc);
    int port = s.localPort();
    int seq = PEER_ISS + 1;
    sc.peer(80, port).seq(seq).ack(TcpScriptedTest.iss(s) + 1).ts(200, 0).payload(new byte[10]).send();
    sc.advance(50 * MS); // delayed ACK (lost on its way, say)
    assertThat(sc.next().options().tsEcr).isEqualTo(200);
    sc.peer(80, port).seq(seq).ack(TcpScriptedTest.iss(s) + 1).ts(400, 0).payload(new byte[10]).send();
    Seg dup = sc.next();
    assertThat(dup.flags()).isEqualTo(ACK);
    assertThat(dup.ack()).isEqualTo(seq + 10);
    assertThat(dup.options().tsEcr).as("the copy that triggered this ACK").isEqualTo(400);
    assertThat(s.available()).isEqualTo(10);
  }

  @Test
  void aRepeatedSynInSynReceivedIsEchoedInTheNewSynAck() {
    Script sc = new Script();
    sc.tcp.listen(0, 0, 80, 8);
    sc.peer(4000, 80).seq(PEER_ISS).flags(SYN).mss(1460).ts(100, 0).send();
    Seg synAck = sc.next();
    assertThat(synAck.options().tsEcr).isEqualTo(100);
    sc.now += 1000 * MS;
    sc.peer(4000, 80).seq(PEER_ISS).flags(SYN).mss(1460).ts(1100, 0).send();
    Seg again = sc.next();
    assertThat(again.flags()).isEqualTo(SYN | ACK);
    assertThat(again.options().tsEcr).isEqualTo(1100);
  }

  @Test
  void aSynAckEchoingAnEarlierSynThanTheLatestRetransmissionIsNoSample() {
    Script sc = new Script();
    TcpSocket s = sc.tcp.connect(Script.PEER_HI, Script.PEER_LO, 80, sc.now);
    Seg syn = sc.next();
    sc.advance(1000 * MS);
    Seg syn2 = sc.next();
    assertThat(syn2.flags()).isEqualTo(SYN);
    sc.now += 500 * MS; // the peer's SYN-ACK timer answered the first SYN
    sc.peer(80, s.localPort()).seq(PEER_ISS).ack(syn.seq() + 1).flags(SYN).mss(1460).ts(7, syn.options().tsVal)
        .send();
    assertThat(s.state()).isEqualTo(TcpState.ESTABLISHED);
    assertThat(s.rto.hasSample()).as("1.5 s is not a round trip").isFalse();
  }
}
