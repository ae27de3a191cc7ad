package io.zt4j.node.vl2;

import io.zt4j.node.wire.InetAddress;

/**
 * The IPv6 addresses ZeroTier derives from a network id and a member's address, so members can
 * compute each other's addresses without asking the controller.
 *
 * <pre>
 *  RFC 4193 (/88):  fd | nwid (8 bytes) | 99 93 | address (5 bytes)
 *  6PLANE   (/40):  fc | (nwid xor nwid&gt;&gt;32) low 32 bits (4 bytes) | address (5 bytes) | 00 00 00 00 00 01
 *                   (the member owns the whole /80 starting with those 10 bytes)
 * </pre>
 *
 * The prefix length is carried in the port, as ZeroTier stores managed addresses.
 */
public final class ManagedAddresses {
  private ManagedAddresses() {}

  public static final int RFC4193_PREFIX_BITS = 88;
  public static final int SIX_PLANE_PREFIX_BITS = 40;

  /** The member's RFC 4193 address on {@code networkId}, port = 88. */
  public static InetAddress rfc4193(long networkId, long address) {
    byte[] ip = new byte[16];
    ip[0] = (byte) 0xfd;
    for (int i = 0; i < 8; i++) {
      ip[1 + i] = (byte) (networkId >>> (56 - 8 * i));
    }
    ip[9] = (byte) 0x99;
    ip[10] = (byte) 0x93;
    for (int i = 0; i < 5; i++) {
      ip[11 + i] = (byte) (address >>> (32 - 8 * i));
    }
    return InetAddress.of(ip, RFC4193_PREFIX_BITS);
  }

  /** The member's 6PLANE address on {@code networkId}, port = 40. */
  public static InetAddress sixPlane(long networkId, long address) {
    long n = networkId ^ (networkId >>> 32);
    byte[] ip = new byte[16];
    ip[0] = (byte) 0xfc;
    for (int i = 0; i < 4; i++) {
      ip[1 + i] = (byte) (n >>> (24 - 8 * i));
    }
    for (int i = 0; i < 5; i++) {
      ip[5 + i] = (byte) (address >>> (32 - 8 * i));
    }
    ip[15] = 0x01;
    return InetAddress.of(ip, SIX_PLANE_PREFIX_BITS);
  }

  /**
   * The ZeroTier address embedded in an IPv6 address of {@code networkId}'s RFC 4193 or 6PLANE
   * range (what NDP emulation answers for), or 0 if it is in neither.
   */
  public static long embeddedAddress(long networkId, byte[] ip) {
    if (ip.length != 16) {
      return 0;
    }
    byte[] r = rfc4193(networkId, 0).ip();
    if (java.util.Arrays.equals(ip, 0, 11, r, 0, 11)) {
      return io.zt4j.node.identity.Address.toLong(ip, 11);
    }
    byte[] s = sixPlane(networkId, 0).ip();
    if (java.util.Arrays.equals(ip, 0, 5, s, 0, 5)) {
      return io.zt4j.node.identity.Address.toLong(ip, 5);
    }
    return 0;
  }
}
