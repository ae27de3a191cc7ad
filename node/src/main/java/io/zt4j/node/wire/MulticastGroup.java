package io.zt4j.node.wire;

/**
 * A ZeroTier multicast group: a multicast MAC plus a 32-bit ADI ("additional distinguishing
 * information"). ADI is 0 except for IPv4 address resolution, where ZeroTier turns ARP's
 * Ethernet broadcast into a selective group: broadcast MAC with the IPv4 address as ADI.
 *
 * <pre>
 *  wire form (MULTICAST_LIKE, MULTICAST_GATHER, MULTICAST_FRAME):
 *  +-----------+----------------+
 *  | MAC (6)   | ADI (u32 BE)   |   10 bytes
 *  +-----------+----------------+
 * </pre>
 *
 * <p>Ordered by MAC, then ADI (unsigned), as ZeroTier orders them.
 *
 * @param mac the group's MAC
 * @param adi the ADI, an unsigned 32-bit value in {@code [0, 2^32)}
 */
public record MulticastGroup(MAC mac, long adi) implements Comparable<MulticastGroup> {

  public static final int LENGTH = 10;

  /** Ethernet broadcast with ADI 0: ordinary broadcast traffic (everything but ARP). */
  public static final MulticastGroup BROADCAST = new MulticastGroup(MAC.BROADCAST, 0);

  public MulticastGroup {
    if (mac == null) {
      throw new IllegalArgumentException("mac is null");
    }
    if ((adi & ~0xFFFF_FFFFL) != 0) {
      throw new IllegalArgumentException("ADI is an unsigned 32-bit value: " + adi);
    }
  }

  /**
   * The group used for address resolution of {@code ip}: for IPv4 (ARP) broadcast MAC with the
   * address as ADI; for IPv6 (NDP) the solicited-node MAC {@code 33:33:ff:xx:yy:zz} from the
   * last three address bytes, ADI 0. The port is ignored.
   */
  public static MulticastGroup forAddressResolution(InetAddress ip) {
    if (ip.isV4()) {
      long adi = ((long) ip.ipByte(0) << 24) | (ip.ipByte(1) << 16) | (ip.ipByte(2) << 8) | ip.ipByte(3);
      return new MulticastGroup(MAC.BROADCAST, adi);
    }
    if (ip.isV6()) {
      return new MulticastGroup(MAC.of(0x33, 0x33, 0xFF, ip.ipByte(13), ip.ipByte(14), ip.ipByte(15)), 0);
    }
    throw new IllegalArgumentException("address resolution needs an IP address");
  }

  /** Parses 10 bytes from untrusted input. */
  public static Parsed<MulticastGroup> parse(byte[] buf, int off, int len) {
    if (len < LENGTH) {
      return Parsed.dropped(DropReason.TRUNCATED, "MulticastGroup needs 10 bytes, have " + len);
    }
    long adi = ((buf[off + 6] & 0xFFL) << 24) | ((buf[off + 7] & 0xFF) << 16)
        | ((buf[off + 8] & 0xFF) << 8) | (buf[off + 9] & 0xFF);
    return Parsed.ok(new MulticastGroup(MAC.read(buf, off), adi), LENGTH);
  }

  /** Writes the 10 bytes at {@code off}; returns 10. */
  public int writeTo(byte[] buf, int off) {
    mac.writeTo(buf, off);
    buf[off + 6] = (byte) (adi >>> 24);
    buf[off + 7] = (byte) (adi >>> 16);
    buf[off + 8] = (byte) (adi >>> 8);
    buf[off + 9] = (byte) adi;
    return LENGTH;
  }

  public byte[] serialize() {
    byte[] b = new byte[LENGTH];
    writeTo(b, 0);
    return b;
  }

  @Override
  public int compareTo(MulticastGroup o) {
    int c = mac.compareTo(o.mac);
    return c != 0 ? c : Long.compare(adi, o.adi);
  }

  /** {@code mac/adi} with the ADI in 8 hex digits, e.g. {@code ff:ff:ff:ff:ff:ff/0a931101}. */
  @Override
  public String toString() {
    return mac + "/" + String.format("%08x", adi);
  }
}
