package io.zt4j.stack.socket.tcp;

import org.junit.jupiter.api.Test;

/** Samples the lossy-link property once failed on, kept as regressions (with and without input batches). */
class TcpRegressionTest {
  /** Both ends went back after RTOs; their pure ACKs carried a rewound SND.NXT and were dropped. */
  @Test
  void pureAcksCarrySndMaxAfterGoBackN() throws Exception {
    for (boolean batched : new boolean[] {false, true}) {
      new TcpLossyLinkPropertyTest().bidirectionalTransferSurvivesAFaultyLink(-100, 0.09, 0.0, 0.17, 1, 20273, 20272, true, false, batched);
    }
  }

  /**
   * ACKs of retransmissions echoed the TSval of an earlier copy whose ACK had been lost: RTT
   * samples of 11 s and 52 s pushed the RTO to a minute and the transfer stalled for 147 s.
   */
  @Test
  void ackOfARetransmissionEchoingAnOlderCopyIsNoRttSample() throws Exception {
    for (boolean batched : new boolean[] {false, true}) {
      new TcpLossyLinkPropertyTest().bidirectionalTransferSurvivesAFaultyLink(-1951474944206047411L, 0.1,
        0.024876321700711718, 0.24066058231978452, 20, 306943, 2, true, false, batched);
    }
  }

  /** Same cause with SACK and NewReno: the transfer ran out of its 600 s with 40% of the bytes. */
  @Test
  void inflatedRtoNoLongerRunsATransferPastItsDeadline() throws Exception {
    for (boolean batched : new boolean[] {false, true}) {
      new TcpLossyLinkPropertyTest().bidirectionalTransferSurvivesAFaultyLink(3452542455561185967L, 0.1,
        0.049385852585256435, 0.0541768614453696, 15, 259292, 2, false, true, batched);
    }
  }
}
