package io.zt4j.node.identity;

import java.util.Optional;

/**
 * A 40-bit ZeroTier address: the last five bytes of an identity's memory-hard hash.
 *
 * <p>Reserved (never a valid node address): 0, and every address whose first byte is {@code 0xff}
 * (that prefix marks fragments and in-band signalling on the wire). Written as 10 lowercase hex
 * digits, on the wire as 5 big-endian bytes. Immutable value; thread-safe.
 */
public final class Address implements Comparable<Address> {
  /** Wire length in bytes. */
  public static final int LENGTH = 5;
  /** First byte of reserved addresses (ZT_ADDRESS_RESERVED_PREFIX). */
  public static final int RESERVED_PREFIX = 0xff;

  private static final long MASK = 0xffffffffffL;
  private final long value;

  private Address(long value) {
    this.value = value;
  }

  /** The address with the low 40 bits of {@code value} (higher bits are ignored). */
  public static Address of(long value) {
    return new Address(value & MASK);
  }

  /** Reads 5 big-endian bytes at {@code offset}. */
  public static Address read(byte[] b, int offset) {
    java.util.Objects.checkFromIndexSize(offset, LENGTH, b.length);
    return new Address(toLong(b, offset));
  }

  /** The 40-bit value of 5 big-endian bytes at {@code offset}, without creating an object. */
  public static long toLong(byte[] b, int offset) {
    return ((b[offset] & 0xffL) << 32)
        | ((b[offset + 1] & 0xffL) << 24)
        | ((b[offset + 2] & 0xffL) << 16)
        | ((b[offset + 3] & 0xffL) << 8)
        | (b[offset + 4] & 0xffL);
  }

  /** Writes a 40-bit value as 5 big-endian bytes at {@code offset}. */
  public static void write(long value, byte[] b, int offset) {
    b[offset] = (byte) (value >>> 32);
    b[offset + 1] = (byte) (value >>> 24);
    b[offset + 2] = (byte) (value >>> 16);
    b[offset + 3] = (byte) (value >>> 8);
    b[offset + 4] = (byte) value;
  }

  /**
   * Parses exactly 10 hex digits (either case). Empty for any other input; reserved addresses
   * parse (check {@link #isReserved()}).
   */
  public static Optional<Address> parse(String hex) {
    if (hex == null || hex.length() != 10) {
      return Optional.empty();
    }
    long v = 0;
    for (int i = 0; i < 10; i++) {
      int d = Character.digit(hex.charAt(i), 16);
      if (d < 0) {
        return Optional.empty();
      }
      v = (v << 4) | d;
    }
    return Optional.of(new Address(v));
  }

  /** True for 0 and for the {@code 0xff} prefix. */
  public static boolean isReserved(long value) {
    return value == 0 || ((value >>> 32) & 0xff) == RESERVED_PREFIX;
  }

  public boolean isReserved() {
    return isReserved(value);
  }

  /** The 40-bit value. */
  public long toLong() {
    return value;
  }

  /** Writes the 5 wire bytes at {@code offset}. */
  public void writeTo(byte[] b, int offset) {
    write(value, b, offset);
  }

  /** The 5 wire bytes. */
  public byte[] toBytes() {
    byte[] b = new byte[LENGTH];
    write(value, b, 0);
    return b;
  }

  @Override
  public int compareTo(Address o) {
    return Long.compare(value, o.value);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Address && ((Address) o).value == value;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(value);
  }

  /** 10 lowercase hex digits. */
  @Override
  public String toString() {
    return String.format("%010x", value);
  }
}
