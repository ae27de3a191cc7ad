package io.zt4j.node.wire;

import java.util.Optional;

/**
 * A 48-bit Ethernet MAC address, and ZeroTier's mapping between a member's ZeroTier address and
 * its MAC on a network.
 *
 * <pre>
 *  wire form: 6 bytes, most significant first (c2:67:58:2f:04:8d = c2 67 58 2f 04 8d)
 *
 *  MAC of ZeroTier address A (40 bits) on network N (64 bits), as MAC::fromAddress builds it:
 *   byte 0      = (N &amp; 0xfe) | 0x02, but 0x32 instead of 0x52 (0x52 is KVM/libvirt's prefix)
 *   bytes 1..5  = A xor (N bytes 6,5,4,3,2 — i.e. N &gt;&gt; 8 .. N &gt;&gt; 40, low byte of each)
 *  and back: A = (MAC &amp; 0xffffffffff) xor the same mask.
 * </pre>
 *
 * @param value the address in the low 48 bits of a {@code long}
 */
public record MAC(long value) implements Comparable<MAC> {

  public static final int LENGTH = 6;
  public static final MAC BROADCAST = new MAC(0xFFFF_FFFF_FFFFL);
  public static final MAC ZERO = new MAC(0);

  public MAC {
    if ((value & ~0xFFFF_FFFF_FFFFL) != 0) {
      throw new IllegalArgumentException("MAC wider than 48 bits: " + Long.toHexString(value));
    }
  }

  /** Six bytes, most significant first. */
  public static MAC of(int a, int b, int c, int d, int e, int f) {
    return new MAC(((a & 0xFFL) << 40) | ((b & 0xFFL) << 32) | ((c & 0xFFL) << 24)
        | ((d & 0xFFL) << 16) | ((e & 0xFFL) << 8) | (f & 0xFFL));
  }

  /** Reads six bytes at {@code off} (the caller has checked the length). */
  public static MAC read(byte[] buf, int off) {
    long m = 0;
    for (int i = 0; i < LENGTH; i++) {
      m = (m << 8) | (buf[off + i] & 0xFF);
    }
    return new MAC(m);
  }

  /** Parses six bytes from untrusted input. */
  public static Parsed<MAC> parse(byte[] buf, int off, int len) {
    if (len < LENGTH) {
      return Parsed.dropped(DropReason.TRUNCATED, "MAC needs 6 bytes, have " + len);
    }
    return Parsed.ok(read(buf, off), LENGTH);
  }

  /** Writes the six bytes at {@code off}; returns 6. */
  public int writeTo(byte[] buf, int off) {
    for (int i = 0; i < LENGTH; i++) {
      buf[off + i] = (byte) (value >>> (40 - 8 * i));
    }
    return LENGTH;
  }

  public byte[] bytes() {
    byte[] b = new byte[LENGTH];
    writeTo(b, 0);
    return b;
  }

  /** Byte {@code i} (0..5), most significant first. */
  public int octet(int i) {
    return (int) (value >>> (40 - 8 * i)) & 0xFF;
  }

  public boolean isBroadcast() {
    return value == 0xFFFF_FFFF_FFFFL;
  }

  /** The I/G bit (least significant bit of the first byte). */
  public boolean isMulticast() {
    return (value & 0x0100_0000_0000L) != 0;
  }

  /** The U/L bit (second bit of the first byte). */
  public boolean isLocallyAdministered() {
    return (value & 0x0200_0000_0000L) != 0;
  }

  /** First byte of every member MAC on network {@code networkId}. */
  public static int firstOctetForNetwork(long networkId) {
    int a = ((int) networkId & 0xFE) | 0x02;
    return a == 0x52 ? 0x32 : a;
  }

  /** The MAC of ZeroTier address {@code ztAddress} (40 bits) on network {@code networkId}. */
  public static MAC fromAddress(long ztAddress, long networkId) {
    if ((ztAddress & ~0xFF_FFFF_FFFFL) != 0) {
      throw new IllegalArgumentException("ZeroTier address wider than 40 bits");
    }
    long m = ((long) firstOctetForNetwork(networkId)) << 40;
    m |= ztAddress ^ networkMask(networkId);
    return new MAC(m);
  }

  /**
   * The ZeroTier address (40 bits) that owns this MAC on {@code networkId}, assuming it is a
   * member MAC (not a bridged one).
   */
  public long toAddress(long networkId) {
    return (value & 0xFF_FFFF_FFFFL) ^ networkMask(networkId);
  }

  /** Bytes 1..5 of N (counting from the least significant) reversed into a 40-bit mask. */
  private static long networkMask(long nwid) {
    return (((nwid >>> 8) & 0xFF) << 32)
        | (((nwid >>> 16) & 0xFF) << 24)
        | (((nwid >>> 24) & 0xFF) << 16)
        | (((nwid >>> 32) & 0xFF) << 8)
        | ((nwid >>> 40) & 0xFF);
  }

  /** {@code aa:bb:cc:dd:ee:ff} (also accepts {@code -} as separator); empty if invalid. */
  public static Optional<MAC> fromString(String s) {
    if (s.length() != 17) {
      return Optional.empty();
    }
    long m = 0;
    for (int i = 0; i < 6; i++) {
      int hi = Character.digit(s.charAt(3 * i), 16);
      int lo = Character.digit(s.charAt(3 * i + 1), 16);
      if (hi < 0 || lo < 0) {
        return Optional.empty();
      }
      if (i < 5 && s.charAt(3 * i + 2) != ':' && s.charAt(3 * i + 2) != '-') {
        return Optional.empty();
      }
      m = (m << 8) | (hi << 4) | lo;
    }
    return Optional.of(new MAC(m));
  }

  /** Lowercase {@code aa:bb:cc:dd:ee:ff}, as ZeroTier prints it. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(17);
    for (int i = 0; i < 6; i++) {
      if (i > 0) {
        sb.append(':');
      }
      int o = octet(i);
      sb.append(Character.forDigit(o >>> 4, 16)).append(Character.forDigit(o & 0xF, 16));
    }
    return sb.toString();
  }

  @Override
  public int compareTo(MAC o) {
    return Long.compare(value, o.value);
  }
}
