package io.zt4j.stack.wire;

/**
 * The Internet checksum (RFC 1071): the 16-bit one's complement of the one's complement sum of
 * 16-bit big-endian words, with incremental update per RFC 1624 and the IPv4/IPv6 pseudo-headers
 * of RFC 9293 §3.1 / RFC 768 and RFC 8200 §8.1.
 *
 * <p>Sums are kept as unfolded {@code long} accumulators so partial sums over several ranges
 * (pseudo-header, header, payload) can be added before one final {@link #fold}. Stateless and
 * thread-safe.
 */
public final class Checksum {
  private static final java.lang.invoke.VarHandle LONG =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.BIG_ENDIAN);
  private static final java.lang.invoke.VarHandle LONG_LE =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
  private static final long LOW32 = 0xFFFF_FFFFL;

  private Checksum() {}

  /**
   * Adds the bytes {@code buf[off, off+len)} to {@code sum} as big-endian 16-bit words; an odd
   * trailing byte is padded with zero. The range must start at an even offset relative to the
   * start of the checksummed data for the result to be meaningful when combined with other sums.
   */
  public static long add(long sum, byte[] buf, int off, int len) {
    int i = off;
    int end = off + len;
    if (len >= 32) {
      // The bulk, 32 bytes per step: little-endian loads (no byte swap on x86/ARM), each long
      // added as two 32-bit halves into four independent accumulators (no carry chain between
      // them). One's complement sums may be accumulated in wider words and folded at the end
      // (RFC 1071 §2 (C)), and summing byte-swapped words gives the byte-swapped sum (§2 (B)), so
      // the folded little-endian sum is swapped back before joining the big-endian one. Each
      // accumulator grows by < 2^33 per step: no overflow before 2^30 steps (32 GiB).
      long s0 = 0;
      long s1 = 0;
      long s2 = 0;
      long s3 = 0;
      while (end - i >= 32) {
        long a = (long) LONG_LE.get(buf, i);
        long b = (long) LONG_LE.get(buf, i + 8);
        long c = (long) LONG_LE.get(buf, i + 16);
        long d = (long) LONG_LE.get(buf, i + 24);
        s0 += (a >>> 32) + (b >>> 32);
        s1 += (a & LOW32) + (b & LOW32);
        s2 += (c >>> 32) + (d >>> 32);
        s3 += (c & LOW32) + (d & LOW32);
        i += 32;
      }
      int f = fold(s0 + s1 + s2 + s3);
      sum += ((f & 0xFF) << 8) | (f >>> 8);
    }
    // the rest 8 bytes per step as one big-endian long, added as two 32-bit halves
    while (end - i >= 8) {
      long w = (long) LONG.get(buf, i);
      sum += (w >>> 32) + (w & 0xFFFF_FFFFL);
      i += 8;
    }
    while (end - i >= 2) {
      sum += ((buf[i] & 0xFF) << 8) | (buf[i + 1] & 0xFF);
      i += 2;
    }
    if (i < end) {
      sum += (buf[i] & 0xFF) << 8;
    }
    return sum;
  }

  /** Adds a 16-bit value to {@code sum}. */
  public static long add16(long sum, int value) {
    return sum + (value & 0xFFFF);
  }

  /** Adds a 32-bit value (as two 16-bit words) to {@code sum}. */
  public static long add32(long sum, int value) {
    return sum + ((value >>> 16) & 0xFFFF) + (value & 0xFFFF);
  }

  /** Folds an accumulated sum to 16 bits (one's complement addition of the carries). */
  public static int fold(long sum) {
    sum = (sum & 0xFFFF_FFFFL) + (sum >>> 32);
    while ((sum >>> 16) != 0) {
      sum = (sum & 0xFFFF) + (sum >>> 16);
    }
    return (int) sum;
  }

  /** The checksum field value: the complement of the folded sum. */
  public static int finish(long sum) {
    return ~fold(sum) & 0xFFFF;
  }

  /** Checksum of one byte range (e.g. an IPv4 header with its checksum field zeroed). */
  public static int of(byte[] buf, int off, int len) {
    return finish(add(0, buf, off, len));
  }

  /**
   * True when a range that contains its own checksum field sums to all ones, i.e. verifies
   * (RFC 1071 §1, receiver side).
   */
  public static boolean verifies(long sumIncludingChecksumField) {
    return fold(sumIncludingChecksumField) == 0xFFFF;
  }

  /**
   * The IPv4 pseudo-header sum (RFC 9293 §3.1, RFC 768): source, destination, zero,
   * protocol, upper-layer length.
   */
  public static long pseudoHeaderV4(byte[] src, int srcOff, byte[] dst, int dstOff, int protocol, int length) {
    long sum = add(0, src, srcOff, 4);
    sum = add(sum, dst, dstOff, 4);
    return sum + (protocol & 0xFF) + (length & 0xFFFF);
  }

  /**
   * The IPv6 pseudo-header sum (RFC 8200 §8.1): source, destination, 32-bit upper-layer length,
   * three zero bytes, next header.
   */
  public static long pseudoHeaderV6(byte[] src, int srcOff, byte[] dst, int dstOff, int nextHeader, int length) {
    long sum = add(0, src, srcOff, 16);
    sum = add(sum, dst, dstOff, 16);
    return add32(sum, length) + (nextHeader & 0xFF);
  }

  /**
   * Incrementally updates checksum field {@code oldChecksum} when one 16-bit word of the covered
   * data changes from {@code oldWord} to {@code newWord} (RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m')).
   */
  public static int update16(int oldChecksum, int oldWord, int newWord) {
    long sum = (~oldChecksum & 0xFFFF) + (~oldWord & 0xFFFF) + (newWord & 0xFFFF);
    return ~fold(sum) & 0xFFFF;
  }

  /** {@link #update16} for a 32-bit field (e.g. an IPv4 address or a TCP sequence number). */
  public static int update32(int oldChecksum, int oldValue, int newValue) {
    int c = update16(oldChecksum, oldValue >>> 16, newValue >>> 16);
    return update16(c, oldValue & 0xFFFF, newValue & 0xFFFF);
  }

  /**
   * The pseudo-header sum for either family from raw {@link IpAddress} halves: the IPv4 form
   * (RFC 768) when both addresses are IPv4-mapped, else the IPv6 form (RFC 8200 §8.1).
   */
  public static long pseudoHeader(long srcHi, long srcLo, long dstHi, long dstLo, int protocol, int length) {
    if (IpAddress.isV4(srcHi, srcLo)) {
      return add32(add32(0, (int) srcLo), (int) dstLo) + (protocol & 0xFF) + (length & 0xFFFF);
    }
    long sum = add32(add32(0, (int) (srcHi >>> 32)), (int) srcHi);
    sum = add32(add32(sum, (int) (srcLo >>> 32)), (int) srcLo);
    sum = add32(add32(sum, (int) (dstHi >>> 32)), (int) dstHi);
    sum = add32(add32(sum, (int) (dstLo >>> 32)), (int) dstLo);
    return add32(sum, length) + (protocol & 0xFF);
  }
}
