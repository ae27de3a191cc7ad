package io.zt4j.node.vl1;

/**
 * Packet ids we sent and may get an OK for ({@code Node::expectReplyTo}/{@code expectingReplyTo}):
 * an OK whose in-re packet id is not here is ignored, which keeps replayed or forged OKs (HELLO
 * latency, WHOIS answers…) from being acted on.
 *
 * <p>Like ZeroTier, only the high 32 bits of the id are kept (the low bits may be changed by
 * armouring), in 256 buckets of 32 slots each overwritten round-robin: fixed memory (32 KiB), and
 * an id is remembered for at least its bucket's next 31 insertions.
 */
public final class ExpectedReplies {
  private static final int BUCKETS = 256;
  private static final int SLOTS = 32;

  private final int[][] ids = new int[BUCKETS][SLOTS];
  private final byte[] next = new byte[BUCKETS];

  /** Remembers that a reply to {@code packetId} is welcome. */
  public void expect(long packetId) {
    int high = (int) (packetId >>> 32);
    int bucket = high & (BUCKETS - 1);
    int slot = next[bucket] & (SLOTS - 1);
    ids[bucket][slot] = high;
    next[bucket] = (byte) (slot + 1);
  }

  /** Whether a reply to {@code packetId} is expected. */
  public boolean expecting(long packetId) {
    int high = (int) (packetId >>> 32);
    int[] b = ids[high & (BUCKETS - 1)];
    for (int v : b) {
      if (v == high) {
        return true;
      }
    }
    return false;
  }
}
