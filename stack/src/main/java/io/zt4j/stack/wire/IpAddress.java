package io.zt4j.stack.wire;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IPv4 or IPv6 address as one immutable 128-bit value ({@link #hi()}, {@link #lo()}).
 *
 * <p>IPv4 addresses are stored in their IPv4-mapped IPv6 form {@code ::ffff:a.b.c.d} (RFC 4291
 * §2.5.5.2), so tables and 4-tuples need one key shape for both families. Such mapped addresses
 * never appear inside real IPv6 packets: IPv6 input drops them, so the two families cannot be
 * confused. Hot paths work on the raw {@code (hi, lo)} pair with the static helpers and only
 * create instances when a socket needs to keep an address.
 *
 * <p>Immutable and thread-safe. {@link #parse} reads literals only; it never resolves names.
 */
public final class IpAddress implements Comparable<IpAddress> {
  /** {@code lo} of an IPv4-mapped address without the IPv4 bits. */
  public static final long V4_MAPPED = 0x0000_FFFF_0000_0000L;

  public static final IpAddress ANY_V4 = ofV4(0);
  public static final IpAddress BROADCAST_V4 = ofV4(0xFFFF_FFFF);
  public static final IpAddress LOOPBACK_V4 = ofV4(0x7F00_0001);
  public static final IpAddress ANY_V6 = new IpAddress(0, 0);
  public static final IpAddress LOOPBACK_V6 = new IpAddress(0, 1);
  /** ff02::1, all nodes on the link (RFC 4291 §2.7.1). */
  public static final IpAddress ALL_NODES = new IpAddress(0xFF02_0000_0000_0000L, 1);
  /** ff02::2, all routers on the link. */
  public static final IpAddress ALL_ROUTERS = new IpAddress(0xFF02_0000_0000_0000L, 2);
  /** ff02::16, all MLDv2-capable routers (RFC 3810 §5.2.14). */
  public static final IpAddress ALL_MLDV2_ROUTERS = new IpAddress(0xFF02_0000_0000_0000L, 0x16);

  private final long hi;
  private final long lo;

  private IpAddress(long hi, long lo) {
    this.hi = hi;
    this.lo = lo;
  }

  /** The address with these 128 bits; an IPv4-mapped pattern gives an IPv4 address. */
  public static IpAddress of(long hi, long lo) {
    return new IpAddress(hi, lo);
  }

  public static IpAddress ofV4(int address) {
    return new IpAddress(0, v4Lo(address));
  }

  /** 4 or 16 bytes in network order. */
  public static IpAddress of(byte[] bytes) {
    if (bytes.length == 4) {
      return ofV4(Bytes.i32(bytes, 0));
    }
    if (bytes.length == 16) {
      return new IpAddress(Bytes.i64(bytes, 0), Bytes.i64(bytes, 8));
    }
    throw new IllegalArgumentException("IP address must be 4 or 16 bytes, got " + bytes.length);
  }

  public static IpAddress of(InetAddress address) {
    return of(address.getAddress());
  }

  public static IpAddress readV4(byte[] b, int off) {
    return ofV4(Bytes.i32(b, off));
  }

  public static IpAddress readV6(byte[] b, int off) {
    return new IpAddress(Bytes.i64(b, off), Bytes.i64(b, off + 8));
  }

  /** The {@code lo} half of the mapped form of an IPv4 address. */
  public static long v4Lo(int address) {
    return V4_MAPPED | (address & 0xFFFF_FFFFL);
  }

  /** True when {@code (hi, lo)} is an IPv4 (mapped) address. */
  public static boolean isV4(long hi, long lo) {
    return hi == 0 && (lo & 0xFFFF_FFFF_0000_0000L) == V4_MAPPED;
  }

  public long hi() {
    return hi;
  }

  public long lo() {
    return lo;
  }

  public boolean isV4() {
    return isV4(hi, lo);
  }

  /** 4 or 6. */
  public int version() {
    return isV4() ? 4 : 6;
  }

  /** The IPv4 address bits; only meaningful when {@link #isV4()}. */
  public int v4() {
    return (int) lo;
  }

  public boolean is(long hi, long lo) {
    return this.hi == hi && this.lo == lo;
  }

  /** 0.0.0.0 or :: . */
  public boolean isUnspecified() {
    return isV4() ? v4() == 0 : (hi == 0 && lo == 0);
  }

  public static boolean isMulticast(long hi, long lo) {
    return isV4(hi, lo) ? (((int) lo) >>> 28) == 0xE : (hi >>> 56) == 0xFF;
  }

  public boolean isMulticast() {
    return isMulticast(hi, lo);
  }

  /** 255.255.255.255 (limited broadcast). */
  public boolean isLimitedBroadcast() {
    return isV4() && v4() == -1;
  }

  /** 169.254.0.0/16 or fe80::/10. */
  public boolean isLinkLocal() {
    return isV4() ? (v4() >>> 16) == 0xA9FE : (hi >>> 54) == (0xFE80L >>> 6);
  }

  /** IPv6 multicast with link-local (or interface-local) scope, e.g. ff02::1. */
  public boolean isLinkLocalMulticast() {
    return !isV4() && (hi >>> 56) == 0xFF && (((hi >>> 48) & 0xF) <= 2);
  }

  public boolean isLoopback() {
    return isV4() ? (v4() >>> 24) == 127 : (hi == 0 && lo == 1);
  }

  /** The solicited-node multicast group ff02::1:ffXX:XXXX of an IPv6 address (RFC 4291 §2.7.1). */
  public IpAddress solicitedNode() {
    return new IpAddress(0xFF02_0000_0000_0000L, 0x0000_0001_FF00_0000L | (lo & 0xFF_FFFFL));
  }

  /** The Ethernet multicast MAC this multicast group maps to (RFC 1112 §6.4, RFC 2464 §7). */
  public long multicastMac() {
    return isV4() ? MacAddress.ofIpv4Multicast(v4()) : MacAddress.ofIpv6Multicast(lo);
  }

  /** Writes 4 (IPv4) or 16 bytes; returns the number written. */
  public int write(byte[] b, int off) {
    if (isV4()) {
      Bytes.put32(b, off, v4());
      return 4;
    }
    Bytes.put64(b, off, hi);
    Bytes.put64(b, off + 8, lo);
    return 16;
  }

  public byte[] toBytes() {
    byte[] b = new byte[isV4() ? 4 : 16];
    write(b, 0);
    return b;
  }

  public InetAddress toInetAddress() {
    try {
      return InetAddress.getByAddress(toBytes());
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e); // cannot happen for 4 or 16 bytes
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IpAddress a && a.hi == hi && a.lo == lo;
  }

  @Override
  public int hashCode() {
    return hash(hi, lo);
  }

  /** A well-mixed 32-bit hash of a 128-bit address (for open-addressing tables). */
  public static int hash(long hi, long lo) {
    long h = hi * 0x9E37_79B9_7F4A_7C15L + lo;
    h ^= h >>> 32;
    h *= 0xD6E8_FEB8_6659_FD93L;
    return (int) (h ^ (h >>> 32));
  }

  @Override
  public int compareTo(IpAddress o) {
    int c = Long.compareUnsigned(hi, o.hi);
    return c != 0 ? c : Long.compareUnsigned(lo, o.lo);
  }

  /** Dotted quad for IPv4; RFC 5952 canonical text for IPv6. */
  @Override
  public String toString() {
    if (isV4()) {
      int a = v4();
      return (a >>> 24) + "." + ((a >>> 16) & 0xFF) + "." + ((a >>> 8) & 0xFF) + "." + (a & 0xFF);
    }
    int[] w = new int[8];
    for (int i = 0; i < 4; i++) {
      w[i] = (int) (hi >>> (48 - 16 * i)) & 0xFFFF;
      w[i + 4] = (int) (lo >>> (48 - 16 * i)) & 0xFFFF;
    }
    int bestStart = -1;
    int bestLen = 1; // RFC 5952 §4.2.2: a single zero word is not compressed
    for (int i = 0; i < 8; ) {
      if (w[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && w[j] == 0) {
        j++;
      }
      if (j - i > bestLen) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j;
    }
    StringBuilder sb = new StringBuilder(39);
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        sb.append("::");
        i += bestLen - 1;
        continue;
      }
      if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
        sb.append(':');
      }
      sb.append(Integer.toHexString(w[i]));
    }
    return sb.toString();
  }

  /**
   * Parses an IPv4 dotted quad or an IPv6 literal (RFC 4291 §2.2, including {@code ::} and an
   * embedded dotted quad). Throws {@link IllegalArgumentException} for anything else.
   */
  public static IpAddress parse(String s) {
    if (s.indexOf(':') < 0) {
      return ofV4(parseV4(s, s));
    }
    return parseV6(s);
  }

  private static int parseV4(String s, String whole) {
    String[] parts = s.split("\\.", -1);
    if (parts.length != 4) {
      throw new IllegalArgumentException("not an IP address: " + whole);
    }
    int a = 0;
    for (String p : parts) {
      if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit)) {
        throw new IllegalArgumentException("not an IP address: " + whole);
      }
      int v = Integer.parseInt(p);
      if (v > 255) {
        throw new IllegalArgumentException("not an IP address: " + whole);
      }
      a = (a << 8) | v;
    }
    return a;
  }

  private static IpAddress parseV6(String s) {
    int[] words = new int[8];
    int dbl = s.indexOf("::");
    if (dbl >= 0 && s.indexOf("::", dbl + 1) >= 0) {
      throw new IllegalArgumentException("not an IP address: " + s);
    }
    String head = dbl >= 0 ? s.substring(0, dbl) : s;
    String tail = dbl >= 0 ? s.substring(dbl + 2) : "";
    int[] h = parseWords(head, s, true);
    int[] t = dbl >= 0 ? parseWords(tail, s, true) : new int[0];
    if (dbl < 0 && h.length != 8 || dbl >= 0 && h.length + t.length > 7) {
      throw new IllegalArgumentException("not an IP address: " + s);
    }
    System.arraycopy(h, 0, words, 0, h.length);
    System.arraycopy(t, 0, words, 8 - t.length, t.length);
    long hi = 0;
    long lo = 0;
    for (int i = 0; i < 4; i++) {
      hi = (hi << 16) | words[i];
      lo = (lo << 16) | words[i + 4];
    }
    return new IpAddress(hi, lo);
  }

  private static int[] parseWords(String part, String whole, boolean allowV4Tail) {
    if (part.isEmpty()) {
      return new int[0];
    }
    String[] items = part.split(":", -1);
    int n = items.length;
    boolean v4Tail = allowV4Tail && items[n - 1].indexOf('.') >= 0;
    int[] out = new int[v4Tail ? n + 1 : n];
    for (int i = 0; i < n; i++) {
      String it = items[i];
      if (v4Tail && i == n - 1) {
        int a = parseV4(it, whole);
        out[i] = a >>> 16;
        out[i + 1] = a & 0xFFFF;
        break;
      }
      if (it.isEmpty() || it.length() > 4) {
        throw new IllegalArgumentException("not an IP address: " + whole);
      }
      try {
        out[i] = Integer.parseInt(it, 16);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("not an IP address: " + whole, e);
      }
      if (it.charAt(0) == '+' || it.charAt(0) == '-') {
        throw new IllegalArgumentException("not an IP address: " + whole);
      }
    }
    return out;
  }
}
