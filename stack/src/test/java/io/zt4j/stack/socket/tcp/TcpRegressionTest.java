package io.zt4j.stack.socket.tcp;

import org.junit.jupiter.api.Test;

/** Samples the lossy-link property once failed on, kept as regressions. */
class TcpRegressionTest {
  /** Both ends went back after RTOs; their pure ACKs carried a rewound SND.NXT and were dropped. */
  @Test
  void pureAcksCarrySndMaxAfterGoBackN() throws Exception {
    new TcpLossyLinkPropertyTest().bidirectionalTransferSurvivesAFaultyLink(-100, 0.09, 0.0, 0.17, 1, 20273, 20272, true, false);
  }
}
