package io.zt4j.node.wire;

import java.util.Arrays;
import java.util.Optional;

/**
 * An IP endpoint (address and UDP port) as ZeroTier puts it on the wire and in worlds, peer
 * caches and HELLO/PUSH_DIRECT_PATHS payloads. A node-owned value type: it never resolves names
 * and carries no scope id or flow label.
 *
 * <pre>
 *  serialized form (InetAddress::serialize / deserialize)
 *  +------+-------------------+---------+
 *  | 0x00 |                                     nil: 1 byte
 *  | 0x04 | IPv4 (4, network) | port BE |       7 bytes
 *  | 0x06 | IPv6 (16, network)| port BE |       19 bytes
 *  +------+-------------------+---------+
 *  accepted and skipped for forward compatibility (they read back as nil):
 *  | 0x01 | 6 bytes |  (Ethernet)   | 0x02 | 6 bytes | (Bluetooth)
 *  | 0x03 | len u16 BE | len bytes |  (other)
 * </pre>
 *
 * <p>Any other type byte is dropped as {@link DropReason#UNKNOWN_TYPE}, as ZeroTier throws on it.
 *
 * <p>Text form is ZeroTier's {@code ip/port} ({@code 10.99.0.1/9993}, {@code fd99::1/9993}); IPv6
 * is written like glibc's {@code inet_ntop}. Immutable and thread-safe.
 */
public final class InetAddress implements Comparable<InetAddress> {

  /** Address family; the ordinal order is ZeroTier's family order (AF_INET before AF_INET6). */
  public enum Family {
    NIL,
    V4,
    V6
  }

  public static final int TYPE_NIL = 0x00;
  public static final int TYPE_ETHERNET = 0x01;
  public static final int TYPE_BLUETOOTH = 0x02;
  public static final int TYPE_OTHER = 0x03;
  public static final int TYPE_IPV4 = 0x04;
  public static final int TYPE_IPV6 = 0x06;

  /** The nil address (serialized as the single byte 0). */
  public static final InetAddress NIL = new InetAddress(Family.NIL, new byte[0], 0);

  private final Family family;
  private final byte[] ip;
  private final int port;

  private InetAddress(Family family, byte[] ip, int port) {
    this.family = family;
    this.ip = ip;
    this.port = port;
  }

  /** An IPv4 ({@code ip.length == 4}) or IPv6 ({@code 16}) endpoint; port 0..65535. */
  public static InetAddress of(byte[] ip, int port) {
    if (port < 0 || port > 0xFFFF) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
    return switch (ip.length) {
      case 4 -> new InetAddress(Family.V4, ip.clone(), port);
      case 16 -> new InetAddress(Family.V6, ip.clone(), port);
      default -> throw new IllegalArgumentException("IP address must be 4 or 16 bytes, not " + ip.length);
    };
  }

  public Family family() {
    return family;
  }

  public boolean isNil() {
    return family == Family.NIL;
  }

  public boolean isV4() {
    return family == Family.V4;
  }

  public boolean isV6() {
    return family == Family.V6;
  }

  /** The raw address bytes in network order (a copy; empty for nil). */
  public byte[] ip() {
    return ip.clone();
  }

  /** Address byte {@code i} without copying. */
  public int ipByte(int i) {
    return ip[i] & 0xFF;
  }

  public int port() {
    return port;
  }

  /** The same address with another port. */
  public InetAddress withPort(int newPort) {
    if (isNil()) {
      throw new IllegalStateException("nil address has no port");
    }
    return of(ip, newPort);
  }

  // ---------------------------------------------------------------------------------------------
  // Binary form

  /**
   * Parses one serialized address from {@code buf[off, off+len)}. On success the result's
   * length is the number of bytes used (which may be less than {@code len}).
   */
  public static Parsed<InetAddress> parse(byte[] buf, int off, int len) {
    if (len < 1) {
      return Parsed.dropped(DropReason.TRUNCATED, "InetAddress: empty input");
    }
    int type = buf[off] & 0xFF;
    switch (type) {
      case TYPE_NIL:
        return Parsed.ok(NIL, 1);
      case TYPE_ETHERNET:
      case TYPE_BLUETOOTH:
        if (len < 7) {
          return Parsed.dropped(DropReason.TRUNCATED, "InetAddress: type " + type + " needs 7 bytes");
        }
        return Parsed.ok(NIL, 7);
      case TYPE_OTHER: {
        if (len < 3) {
          return Parsed.dropped(DropReason.TRUNCATED, "InetAddress: type 3 length missing");
        }
        int l = ((buf[off + 1] & 0xFF) << 8) | (buf[off + 2] & 0xFF);
        if (len < 3 + l) {
          return Parsed.dropped(DropReason.TRUNCATED, "InetAddress: type 3 body of " + l + " bytes truncated");
        }
        return Parsed.ok(NIL, 3 + l);
      }
      case TYPE_IPV4:
        if (len < 7) {
          return Parsed.dropped(DropReason.TRUNCATED, "InetAddress: IPv4 needs 7 bytes, have " + len);
        }
        return Parsed.ok(
            new InetAddress(Family.V4, Arrays.copyOfRange(buf, off + 1, off + 5), u16(buf, off + 5)), 7);
      case TYPE_IPV6:
        if (len < 19) {
          return Parsed.dropped(DropReason.TRUNCATED, "InetAddress: IPv6 needs 19 bytes, have " + len);
        }
        return Parsed.ok(
            new InetAddress(Family.V6, Arrays.copyOfRange(buf, off + 1, off + 17), u16(buf, off + 17)), 19);
      default:
        return Parsed.dropped(DropReason.UNKNOWN_TYPE, "InetAddress: unknown type " + type);
    }
  }

  /** Bytes {@link #writeTo} writes: 1, 7 or 19. */
  public int serializedLength() {
    return switch (family) {
      case NIL -> 1;
      case V4 -> 7;
      case V6 -> 19;
    };
  }

  /** Writes the serialized form at {@code buf[off]}; returns the number of bytes written. */
  public int writeTo(byte[] buf, int off) {
    switch (family) {
      case NIL:
        buf[off] = TYPE_NIL;
        return 1;
      case V4:
        buf[off] = TYPE_IPV4;
        System.arraycopy(ip, 0, buf, off + 1, 4);
        buf[off + 5] = (byte) (port >>> 8);
        buf[off + 6] = (byte) port;
        return 7;
      default:
        buf[off] = TYPE_IPV6;
        System.arraycopy(ip, 0, buf, off + 1, 16);
        buf[off + 17] = (byte) (port >>> 8);
        buf[off + 18] = (byte) port;
        return 19;
    }
  }

  /** The serialized form as a new array. */
  public byte[] serialize() {
    byte[] b = new byte[serializedLength()];
    writeTo(b, 0);
    return b;
  }

  private static int u16(byte[] b, int i) {
    return ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
  }

  // ---------------------------------------------------------------------------------------------
  // Text form

  /**
   * Parses ZeroTier's text form {@code ip[/port]} (no port means port 0; the empty string is
   * nil). Unlike ZeroTier, which silently yields {@code ::} or {@code 0.0.0.0} for an unparsable
   * address, invalid text gives an empty result.
   */
  public static Optional<InetAddress> fromString(String ipSlashPort) {
    if (ipSlashPort.isEmpty()) {
      return Optional.of(NIL);
    }
    int slash = ipSlashPort.indexOf('/');
    String ipText = slash < 0 ? ipSlashPort : ipSlashPort.substring(0, slash);
    int port = 0;
    if (slash >= 0) {
      String p = ipSlashPort.substring(slash + 1);
      if (p.isEmpty() || p.length() > 5 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
        return Optional.empty();
      }
      port = Integer.parseInt(p);
      if (port > 0xFFFF) {
        return Optional.empty();
      }
    }
    byte[] ipBytes = ipText.indexOf(':') >= 0 ? parseV6(ipText) : parseV4(ipText);
    return ipBytes == null ? Optional.empty() : Optional.of(of(ipBytes, port));
  }

  /** An IP address without port ({@code 10.0.0.1}, {@code fd00::1}), port 0. */
  public static Optional<InetAddress> fromIpString(String ipText) {
    byte[] ipBytes = ipText.indexOf(':') >= 0 ? parseV6(ipText) : parseV4(ipText);
    return ipBytes == null ? Optional.empty() : Optional.of(of(ipBytes, 0));
  }

  /** Dotted quad as {@code inet_pton(AF_INET)} accepts it (no leading zeros); null if invalid. */
  static byte[] parseV4(String s) {
    byte[] out = new byte[4];
    int part = 0;
    int i = 0;
    int n = s.length();
    while (true) {
      if (part == 4 || i >= n) {
        return null;
      }
      int start = i;
      int v = 0;
      while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
        v = v * 10 + (s.charAt(i) - '0');
        if (v > 255 || i - start >= 3) {
          return null;
        }
        i++;
      }
      int digits = i - start;
      if (digits == 0 || (digits > 1 && s.charAt(start) == '0')) {
        return null;
      }
      out[part++] = (byte) v;
      if (i == n) {
        return part == 4 ? out : null;
      }
      if (s.charAt(i) != '.') {
        return null;
      }
      i++;
    }
  }

  /** RFC 4291 §2.2 text (with {@code ::} and a trailing dotted quad); null if invalid. */
  static byte[] parseV6(String s) {
    if (s.length() < 2 || s.length() > 45) {
      return null;
    }
    int[] words = new int[8];
    int count = 0;
    int gap = -1;
    int i = 0;
    int n = s.length();
    if (s.startsWith("::")) {
      gap = 0;
      i = 2;
      if (i == n) {
        return new byte[16];
      }
    } else if (s.charAt(0) == ':') {
      return null;
    }
    while (i < n) {
      int start = i;
      int v = 0;
      while (i < n && Character.digit(s.charAt(i), 16) >= 0 && i - start < 4) {
        v = (v << 4) | Character.digit(s.charAt(i), 16);
        i++;
      }
      if (i == start) {
        return null;
      }
      if (i < n && s.charAt(i) == '.') {
        // Embedded IPv4 in the last 32 bits.
        if (count > 6) {
          return null;
        }
        byte[] v4 = parseV4(s.substring(start));
        if (v4 == null) {
          return null;
        }
        words[count++] = ((v4[0] & 0xFF) << 8) | (v4[1] & 0xFF);
        words[count++] = ((v4[2] & 0xFF) << 8) | (v4[3] & 0xFF);
        i = n;
        break;
      }
      if (count == 8) {
        return null;
      }
      words[count++] = v;
      if (i == n) {
        break;
      }
      if (s.charAt(i) != ':') {
        return null;
      }
      i++;
      if (i < n && s.charAt(i) == ':') {
        if (gap >= 0) {
          return null;
        }
        gap = count;
        i++;
        if (i == n) {
          break;
        }
      } else if (i == n) {
        return null;
      }
    }
    if (gap < 0 && count != 8) {
      return null;
    }
    if (gap >= 0 && count > 7) {
      return null;
    }
    byte[] out = new byte[16];
    int[] full = new int[8];
    if (gap < 0) {
      full = words;
    } else {
      int tail = count - gap;
      System.arraycopy(words, 0, full, 0, gap);
      System.arraycopy(words, gap, full, 8 - tail, tail);
    }
    for (int w = 0; w < 8; w++) {
      out[2 * w] = (byte) (full[w] >>> 8);
      out[2 * w + 1] = (byte) full[w];
    }
    return out;
  }

  /** The address alone, as {@code inet_ntop} writes it; empty for nil. */
  public String toIpString() {
    return switch (family) {
      case NIL -> "";
      case V4 -> (ip[0] & 0xFF) + "." + (ip[1] & 0xFF) + "." + (ip[2] & 0xFF) + "." + (ip[3] & 0xFF);
      case V6 -> v6Text(ip);
    };
  }

  /** ZeroTier's {@code ip/port}; empty for nil. */
  @Override
  public String toString() {
    return isNil() ? "" : toIpString() + "/" + port;
  }

  /**
   * IPv6 text as glibc's {@code inet_ntop} writes it: lowercase hex without leading zeros, the
   * longest run of two or more zero words (the first on a tie) as {@code ::}, and a dotted quad
   * for IPv4-compatible ({@code ::a.b.c.d}) and IPv4-mapped ({@code ::ffff:a.b.c.d}) addresses.
   */
  private static String v6Text(byte[] a) {
    int[] w = new int[8];
    for (int i = 0; i < 8; i++) {
      w[i] = ((a[2 * i] & 0xFF) << 8) | (a[2 * i + 1] & 0xFF);
    }
    int bestBase = -1;
    int bestLen = 0;
    int curBase = -1;
    int curLen = 0;
    for (int i = 0; i < 8; i++) {
      if (w[i] == 0) {
        if (curBase < 0) {
          curBase = i;
          curLen = 1;
        } else {
          curLen++;
        }
      } else if (curBase >= 0) {
        if (bestBase < 0 || curLen > bestLen) {
          bestBase = curBase;
          bestLen = curLen;
        }
        curBase = -1;
      }
    }
    if (curBase >= 0 && (bestBase < 0 || curLen > bestLen)) {
      bestBase = curBase;
      bestLen = curLen;
    }
    if (bestBase >= 0 && bestLen < 2) {
      bestBase = -1;
    }
    StringBuilder sb = new StringBuilder(40);
    for (int i = 0; i < 8; i++) {
      if (bestBase >= 0 && i >= bestBase && i < bestBase + bestLen) {
        if (i == bestBase) {
          sb.append(':');
        }
        continue;
      }
      if (i != 0) {
        sb.append(':');
      }
      if (i == 6 && bestBase == 0 && (bestLen == 6 || (bestLen == 5 && w[5] == 0xFFFF))) {
        sb.append(a[12] & 0xFF).append('.').append(a[13] & 0xFF).append('.')
            .append(a[14] & 0xFF).append('.').append(a[15] & 0xFF);
        return sb.toString();
      }
      sb.append(Integer.toHexString(w[i]));
    }
    if (bestBase >= 0 && bestBase + bestLen == 8) {
      sb.append(':');
    }
    return sb.toString();
  }

  // ---------------------------------------------------------------------------------------------
  // Identity and order

  @Override
  public boolean equals(Object o) {
    return o instanceof InetAddress a && a.family == family && a.port == port && Arrays.equals(a.ip, ip);
  }

  @Override
  public int hashCode() {
    return (Arrays.hashCode(ip) * 31 + port) * 31 + family.hashCode();
  }

  /**
   * ZeroTier One's {@code InetAddress::operator<} as it behaves on little-endian Linux, which is
   * what {@code zerotier-idtool genmoon} sorts stable endpoints by: family (nil, IPv4, IPv6);
   * then the port <em>as a byte-swapped</em> 16-bit value; then for IPv4 the address read as a
   * little-endian 32-bit value, for IPv6 the address bytes in order.
   */
  @Override
  public int compareTo(InetAddress o) {
    int c = Integer.compare(family.ordinal(), o.family.ordinal());
    if (c != 0 || isNil()) {
      return c;
    }
    c = Integer.compare(swap16(port), swap16(o.port));
    if (c != 0) {
      return c;
    }
    if (isV4()) {
      return Long.compare(le32(ip), le32(o.ip));
    }
    return Arrays.compareUnsigned(ip, o.ip);
  }

  private static int swap16(int v) {
    return ((v & 0xFF) << 8) | ((v >>> 8) & 0xFF);
  }

  private static long le32(byte[] b) {
    return (b[0] & 0xFFL) | ((b[1] & 0xFFL) << 8) | ((b[2] & 0xFFL) << 16) | ((b[3] & 0xFFL) << 24);
  }
}
