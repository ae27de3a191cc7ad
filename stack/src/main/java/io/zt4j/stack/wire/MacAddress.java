package io.zt4j.stack.wire;

/**
 * 48-bit IEEE MAC addresses, carried as the low 48 bits of a {@code long} everywhere in the stack
 * (no object per frame). This class holds the helpers; it has no instances.
 */
public final class MacAddress {
  private MacAddress() {}

  public static final long BROADCAST = 0xFFFF_FFFF_FFFFL;
  public static final long MASK = 0xFFFF_FFFF_FFFFL;

  public static long read(byte[] b, int off) {
    return Bytes.u48(b, off);
  }

  public static void write(byte[] b, int off, long mac) {
    Bytes.put48(b, off, mac);
  }

  /** Group bit: the least significant bit of the first octet (IEEE 802-2014 §8.2). */
  public static boolean isMulticast(long mac) {
    return (mac & 0x0100_0000_0000L) != 0;
  }

  public static boolean isBroadcast(long mac) {
    return (mac & MASK) == BROADCAST;
  }

  /** A valid unicast station address: not group, not all zero. */
  public static boolean isUnicast(long mac) {
    return !isMulticast(mac) && (mac & MASK) != 0;
  }

  /** The Ethernet multicast MAC for an IPv4 group: 01:00:5e + low 23 bits (RFC 1112 §6.4). */
  public static long ofIpv4Multicast(int group) {
    return 0x0100_5E00_0000L | (group & 0x7F_FFFF);
  }

  /** The Ethernet multicast MAC for an IPv6 group: 33:33 + low 32 bits (RFC 2464 §7). */
  public static long ofIpv6Multicast(long groupLo) {
    return 0x3333_0000_0000L | (groupLo & 0xFFFF_FFFFL);
  }

  public static String toString(long mac) {
    StringBuilder sb = new StringBuilder(17);
    for (int i = 5; i >= 0; i--) {
      int octet = (int) (mac >>> (8 * i)) & 0xFF;
      sb.append(Character.forDigit(octet >>> 4, 16)).append(Character.forDigit(octet & 0xF, 16));
      if (i > 0) {
        sb.append(':');
      }
    }
    return sb.toString();
  }

  /** Parses {@code aa:bb:cc:dd:ee:ff} (or with '-'); throws {@link IllegalArgumentException}. */
  public static long parse(String s) {
    String[] parts = s.split("[:-]");
    if (parts.length != 6) {
      throw new IllegalArgumentException("not a MAC address: " + s);
    }
    long mac = 0;
    for (String p : parts) {
      if (p.isEmpty() || p.length() > 2) {
        throw new IllegalArgumentException("not a MAC address: " + s);
      }
      mac = (mac << 8) | Integer.parseInt(p, 16);
    }
    return mac;
  }
}
