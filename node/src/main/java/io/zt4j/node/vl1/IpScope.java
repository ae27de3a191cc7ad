package io.zt4j.node.vl1;

import io.zt4j.node.wire.InetAddress;

/**
 * ZeroTier's classification of an IP address ({@code InetAddress::IpScope}), which decides
 * which addresses may carry ZeroTier paths, which self-reported external addresses are believed,
 * and how paths rank: the ordinal is ZeroTier's value, and path quality is scaled by
 * {@code MAX - ordinal + 1}, so private paths are preferred over global ones.
 */
public enum IpScope {
  /** Nil or not an IP address. */
  NONE,
  /** 224.0.0.0/4, ff00::/8. */
  MULTICAST,
  /** 127.0.0.0/8, ::1. */
  LOOPBACK,
  /** Unofficially unrouted IPv4 blocks often used privately (6/8, 11/8, 21/8, …, 240/4). */
  PSEUDOPRIVATE,
  /** Everything routable. */
  GLOBAL,
  /** 169.254.0.0/16, fe80::/10. */
  LINK_LOCAL,
  /** Formerly carrier-grade NAT space; no address is classified so today. */
  SHARED,
  /** 10/8, 172.16/12, 192.168/16, 100.64/10, documentation/benchmark ranges, fc00::/7. */
  PRIVATE;

  /** {@code ZT_INETADDRESS_MAX_SCOPE}. */
  public static final int MAX = 7;

  /** The scope of {@code a}'s IP (the port is ignored). */
  public static IpScope of(InetAddress a) {
    if (a.isV4()) {
      return ofV4(a);
    }
    if (a.isV6()) {
      return ofV6(a);
    }
    return NONE;
  }

  private static IpScope ofV4(InetAddress a) {
    int b0 = a.ipByte(0);
    int b1 = a.ipByte(1);
    int b2 = a.ipByte(2);
    switch (b0) {
      case 0x00:
      case 0xff:
        return NONE;
      case 0x06:
      case 0x0b:
      case 0x15:
      case 0x16:
      case 0x19:
      case 0x1a:
      case 0x1c:
      case 0x1d:
      case 0x1e:
      case 0x33:
      case 0x37:
      case 0x38:
        return PSEUDOPRIVATE;
      case 0x0a:
        return PRIVATE;
      case 0x64:
        if ((b1 & 0xc0) == 0x40) {
          return PRIVATE; // 100.64.0.0/10
        }
        break;
      case 0x7f:
        return LOOPBACK;
      case 0xa9:
        if (b1 == 0xfe) {
          return LINK_LOCAL;
        }
        break;
      case 0xac:
        if ((b1 & 0xf0) == 0x10) {
          return PRIVATE; // 172.16.0.0/12
        }
        break;
      case 0xc0:
        if (b1 == 0xa8) {
          return PRIVATE; // 192.168.0.0/16
        }
        if (b1 == 0x00 && b2 == 0x02) {
          return PRIVATE; // 192.0.2.0/24
        }
        break;
      case 0xc6:
        if ((b1 & 0xfe) == 0x12) {
          return PRIVATE; // 198.18.0.0/15
        }
        if (b1 == 0x33 && b2 == 0x64) {
          return PRIVATE; // 198.51.100.0/24
        }
        break;
      case 0xcb:
        if (b1 == 0x00 && b2 == 0x71) {
          return PRIVATE; // 203.0.113.0/24
        }
        break;
      default:
        break;
    }
    switch (b0 >> 4) {
      case 0xe:
        return MULTICAST;
      case 0xf:
        return PSEUDOPRIVATE;
      default:
        return GLOBAL;
    }
  }

  private static IpScope ofV6(InetAddress a) {
    int b0 = a.ipByte(0);
    if ((b0 & 0xf0) == 0xf0) {
      if (b0 == 0xff) {
        return MULTICAST;
      }
      if (b0 == 0xfe && (a.ipByte(1) & 0xc0) == 0x80) {
        // fe80::1 is treated as loopback, the rest of fe80::/10 as link-local.
        return zerosBetween(a, 2, 15) && a.ipByte(15) == 1 ? LOOPBACK : LINK_LOCAL;
      }
      if ((b0 & 0xfe) == 0xfc) {
        return PRIVATE; // fc00::/7
      }
    }
    // IPv4-mapped loopback (::ffff:127.x.y.z); like ZeroTier, byte 9 is not examined.
    if (zerosBetween(a, 0, 9) && a.ipByte(10) == 0xff && a.ipByte(11) == 0xff && a.ipByte(12) == 0x7f) {
      return LOOPBACK;
    }
    if (zerosBetween(a, 0, 15)) {
      if (a.ipByte(15) == 1) {
        return LOOPBACK;
      }
      if (a.ipByte(15) == 0) {
        return NONE;
      }
    }
    return GLOBAL;
  }

  private static boolean zerosBetween(InetAddress a, int from, int to) {
    for (int i = from; i < to; i++) {
      if (a.ipByte(i) != 0) {
        return false;
      }
    }
    return true;
  }
}
