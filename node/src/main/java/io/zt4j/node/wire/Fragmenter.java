package io.zt4j.node.wire;

import java.util.Objects;

/**
 * Splits an armoured packet into datagrams for a physical MTU, as ZeroTier One's {@code
 * Switch::_sendViaSpecificPath} does.
 *
 * <p>The head is the first {@code mtu} bytes of the packet itself (send {@code packet[off,
 * off+headLength)} as is); each further datagram is a 16-byte {@link Fragment} header followed by
 * the next at most {@code mtu − 16} bytes. Because the fragmented flag is authenticated, decide
 * with {@link #needsFragmenting} and set {@link Packet#fragmented(boolean)} <em>before</em>
 * armouring. ZeroTier receivers accept at most {@link Packet#MAX_FRAGMENTS} datagrams per packet,
 * so larger counts are refused here.
 *
 * <p>Stateless, thread-safe, allocation-free.
 */
public final class Fragmenter {
  /** Smallest MTU accepted (ZT_MIN_PHYSMTU is 1400; anything below the headers is meaningless). */
  public static final int MIN_MTU = Packet.MIN_LENGTH + Fragment.HEADER_LENGTH;

  private Fragmenter() {}

  /** True if a packet of {@code packetLength} bytes does not fit in one datagram of {@code mtu}. */
  public static boolean needsFragmenting(int packetLength, int mtu) {
    return packetLength > mtu;
  }

  /** Number of datagrams (head included) for a packet of {@code packetLength} bytes. */
  public static int datagramCount(int packetLength, int mtu) {
    checkMtu(mtu);
    if (packetLength <= mtu) {
      return 1;
    }
    int chunk = mtu - Fragment.HEADER_LENGTH;
    return 1 + (packetLength - mtu + chunk - 1) / chunk;
  }

  /** Length of the head datagram: {@code min(packetLength, mtu)}. */
  public static int headLength(int packetLength, int mtu) {
    checkMtu(mtu);
    return Math.min(packetLength, mtu);
  }

  /**
   * Writes fragment {@code number} (1 ≤ number &lt; {@link #datagramCount}) of the armoured
   * packet {@code packet[off, off+len)} to {@code out[outOff..]} and returns its length.
   */
  public static int writeFragment(byte[] packet, int off, int len, int mtu, int number, byte[] out, int outOff) {
    Objects.checkFromIndexSize(off, len, packet.length);
    int total = datagramCount(len, mtu);
    if (total > Packet.MAX_FRAGMENTS) {
      throw new IllegalArgumentException(
          "packet of " + len + " bytes needs " + total + " datagrams at MTU " + mtu + " (max 7)");
    }
    if (number < 1 || number >= total) {
      throw new IllegalArgumentException("fragment " + number + " of " + total);
    }
    int chunk = mtu - Fragment.HEADER_LENGTH;
    int start = mtu + (number - 1) * chunk;
    int n = Math.min(chunk, len - start);
    Objects.checkFromIndexSize(outOff, Fragment.HEADER_LENGTH + n, out.length);
    // packet ID and destination are copied from the packet head (13 bytes), as ZeroTier does
    System.arraycopy(packet, off, out, outOff, 13);
    out[outOff + Fragment.IDX_INDICATOR] = (byte) Fragment.INDICATOR;
    out[outOff + Fragment.IDX_FRAGMENT_NO] = (byte) ((total << 4) | number);
    out[outOff + Fragment.IDX_HOPS] = 0;
    System.arraycopy(packet, off + start, out, outOff + Fragment.HEADER_LENGTH, n);
    return Fragment.HEADER_LENGTH + n;
  }

  private static void checkMtu(int mtu) {
    if (mtu < MIN_MTU) {
      throw new IllegalArgumentException("MTU " + mtu + " below " + MIN_MTU);
    }
  }
}
