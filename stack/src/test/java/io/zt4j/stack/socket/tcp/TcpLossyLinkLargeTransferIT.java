package io.zt4j.stack.socket.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The lossy-link property at full size: 100 MB one way and 10 MB the other at once over a link
 * that loses 3%, duplicates 1% and reorders 10% of the segments (5 ms delay, up to 15 ms extra
 * for reordered ones), CUBIC with SACK at ZeroTier's MTU, and NewReno without SACK at 1500 for a
 * smaller transfer (the first with input batches, i.e. ACK coalescing as in the runtime, the
 * second without). Exact delivery (SHA-256 of both directions), the stall budget, RTO sanity
 * and a clean close are checked by {@link TcpLossyLinkPropertyTest#transfer}. Virtual time.
 */
class TcpLossyLinkLargeTransferIT {
  static final long MS = SimNet.MS;

  @Test
  void hundredMegabytesCubicSack() throws Exception {
    long t0 = System.nanoTime();
    long took = TcpLossyLinkPropertyTest.transfer(0x100_0000_0001L, 0.03, 0.01, 0.10, 5, 2800, 100L << 20, 10L << 20,
        true, true, true);
    System.out.printf("100 MB + 10 MB over 3%% loss, 1%% dup, 10%% reorder: %.1f s virtual, %.1f s real%n",
        took / 1e9, (System.nanoTime() - t0) / 1e9);
    assertThat(took).isPositive();
  }

  @Test
  void twentyMegabytesNewRenoWithoutSack() throws Exception {
    long took = TcpLossyLinkPropertyTest.transfer(0x100_0000_0002L, 0.03, 0.01, 0.10, 5, 1500, 20L << 20, 2L << 20,
        false, false, false);
    assertThat(took).isPositive();
  }
}
