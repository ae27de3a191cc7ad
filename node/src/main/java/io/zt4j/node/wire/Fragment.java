package io.zt4j.node.wire;

import io.zt4j.node.identity.Address;
import java.util.Objects;

/**
 * A ZeroTier packet fragment (every piece of a fragmented packet after the head).
 *
 * <pre>
 *   0               8         13   14   15   16
 *  +---------------+---------+----+----+----+------------------
 *  | packet ID     |  dest   | ff |T|N|hops| payload bytes ...
 *  +---------------+---------+----+----+----+------------------
 *   ff = fragment indicator (a packet's source address never starts with 0xff)
 *   T|N = total fragments (high nibble, head included) | this fragment's number (low nibble, 1..)
 * </pre>
 *
 * The head is an ordinary {@link Packet} with the fragmented flag; its bytes and the fragments'
 * payloads, in order, are the armoured packet. The packet ID is the armoured one (for AES-GMAC-SIV
 * part of the tag).
 *
 * @param packetId packet ID of the whole packet
 * @param destination destination of the whole packet
 * @param number fragment number, 1 ≤ number &lt; total
 * @param total fragments including the head, 2..15 (ZeroTier accepts at most 7)
 * @param hops hop count of this fragment (relays increment it)
 */
public record Fragment(long packetId, Address destination, int number, int total, int hops) {
  public static final int IDX_PACKET_ID = 0;
  public static final int IDX_DEST = 8;
  public static final int IDX_INDICATOR = 13;
  public static final int IDX_FRAGMENT_NO = 14;
  public static final int IDX_HOPS = 15;
  public static final int IDX_PAYLOAD = 16;
  /** Header length (ZT_PROTO_MIN_FRAGMENT_LENGTH). */
  public static final int HEADER_LENGTH = IDX_PAYLOAD;
  /** Value at {@link #IDX_INDICATOR} (ZT_PACKET_FRAGMENT_INDICATOR, the reserved address prefix). */
  public static final int INDICATOR = 0xff;

  public Fragment {
    Objects.requireNonNull(destination, "destination");
    if (total < 2 || total > 15 || number < 1 || number >= total || hops < 0 || hops > 255) {
      throw new IllegalArgumentException(
          "fragment " + number + "/" + total + " hops " + hops + " out of range");
    }
  }

  /**
   * Reads a fragment header from untrusted bytes. Drops anything shorter than 17 bytes, without
   * the indicator, or with a number/total ZeroTier would not accept (total 2..7, number 1..total-1).
   */
  public static Parsed<Fragment> parse(byte[] b, int off, int len) {
    if (b == null || off < 0 || len < 0 || off > b.length - len) {
      return Parsed.dropped(DropReason.TRUNCATED, "range outside buffer");
    }
    if (len <= HEADER_LENGTH) {
      return Parsed.dropped(DropReason.TRUNCATED, "fragment of " + len + " bytes");
    }
    if ((b[off + IDX_INDICATOR] & 0xff) != INDICATOR) {
      return Parsed.dropped(DropReason.MALFORMED, "no fragment indicator");
    }
    int no = b[off + IDX_FRAGMENT_NO] & 0xff;
    int total = no >>> 4;
    int number = no & 0xf;
    if (total < 2 || total > Packet.MAX_FRAGMENTS || number < 1 || number >= total) {
      return Parsed.dropped(DropReason.TOO_MANY, "fragment " + number + "/" + total);
    }
    return Parsed.ok(
        new Fragment(Packet.packetId(b, off), Address.read(b, off + IDX_DEST), number, total,
            b[off + IDX_HOPS] & 0xff),
        HEADER_LENGTH);
  }

  /** Writes the 16-byte header at {@code off}. */
  public void writeTo(byte[] b, int off) {
    Objects.checkFromIndexSize(off, HEADER_LENGTH, b.length);
    for (int i = 0; i < 8; i++) {
      b[off + i] = (byte) (packetId >>> (56 - 8 * i));
    }
    destination.writeTo(b, off + IDX_DEST);
    b[off + IDX_INDICATOR] = (byte) INDICATOR;
    b[off + IDX_FRAGMENT_NO] = (byte) ((total << 4) | number);
    b[off + IDX_HOPS] = (byte) hops;
  }
}
