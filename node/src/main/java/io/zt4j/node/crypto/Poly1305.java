package io.zt4j.node.crypto;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * Poly1305 one-time authenticator (RFC 8439 section 2.5), one-shot over a contiguous range.
 *
 * <p>26-bit limbs in {@code long} arithmetic (the "donna" representation): every product of a
 * limb and a key limb fits easily in 64 bits, and the whole computation lives in locals, so a call
 * allocates nothing. Stateless and thread-safe.
 */
public final class Poly1305 {
  /** Key length in bytes: r (16) ‖ s (16). */
  public static final int KEY_LENGTH = 32;
  /** Tag length in bytes. */
  public static final int TAG_LENGTH = 16;

  private static final VarHandle LE32 =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long M26 = 0x3ffffffL;

  private Poly1305() {}

  /**
   * Computes the 16-byte tag of {@code msg[msgOffset, msgOffset+length)} under the 32-byte one-time
   * {@code key} and writes it to {@code out[outOffset..+16)}.
   */
  public static void mac(
      byte[] key, int keyOffset, byte[] msg, int msgOffset, int length, byte[] out, int outOffset) {
    Objects.checkFromIndexSize(keyOffset, KEY_LENGTH, key.length);
    Objects.checkFromIndexSize(msgOffset, length, msg.length);
    Objects.checkFromIndexSize(outOffset, TAG_LENGTH, out.length);

    // r, clamped (RFC 8439 2.5.1), split into 26-bit limbs
    final long t0 = u32(key, keyOffset);
    final long t1 = u32(key, keyOffset + 4);
    final long t2 = u32(key, keyOffset + 8);
    final long t3 = u32(key, keyOffset + 12);
    final long r0 = t0 & 0x3ffffff;
    final long r1 = ((t0 >>> 26) | (t1 << 6)) & 0x3ffff03;
    final long r2 = ((t1 >>> 20) | (t2 << 12)) & 0x3ffc0ff;
    final long r3 = ((t2 >>> 14) | (t3 << 18)) & 0x3f03fff;
    final long r4 = (t3 >>> 8) & 0x00fffff;
    final long s1 = r1 * 5, s2 = r2 * 5, s3 = r3 * 5, s4 = r4 * 5;

    long h0 = 0, h1 = 0, h2 = 0, h3 = 0, h4 = 0;
    int p = msgOffset;
    int remaining = length;
    while (remaining > 0) {
      long w0, w1, w2, w3, hibit;
      if (remaining >= 16) {
        w0 = u32(msg, p);
        w1 = u32(msg, p + 4);
        w2 = u32(msg, p + 8);
        w3 = u32(msg, p + 12);
        hibit = 1L << 24;
        p += 16;
        remaining -= 16;
      } else {
        // final partial block: append 0x01, pad with zeros, no high bit (RFC 8439 2.5.1)
        long lo = 0, hi = 0;
        for (int i = 0; i < remaining; i++) {
          long b = msg[p + i] & 0xffL;
          if (i < 8) {
            lo |= b << (i << 3);
          } else {
            hi |= b << ((i - 8) << 3);
          }
        }
        if (remaining < 8) {
          lo |= 1L << (remaining << 3);
        } else {
          hi |= 1L << ((remaining - 8) << 3);
        }
        w0 = lo & 0xffffffffL;
        w1 = lo >>> 32;
        w2 = hi & 0xffffffffL;
        w3 = hi >>> 32;
        hibit = 0;
        remaining = 0;
      }
      h0 += w0 & M26;
      h1 += ((w0 >>> 26) | (w1 << 6)) & M26;
      h2 += ((w1 >>> 20) | (w2 << 12)) & M26;
      h3 += ((w2 >>> 14) | (w3 << 18)) & M26;
      h4 += (w3 >>> 8) | hibit;

      long d0 = h0 * r0 + h1 * s4 + h2 * s3 + h3 * s2 + h4 * s1;
      long d1 = h0 * r1 + h1 * r0 + h2 * s4 + h3 * s3 + h4 * s2;
      long d2 = h0 * r2 + h1 * r1 + h2 * r0 + h3 * s4 + h4 * s3;
      long d3 = h0 * r3 + h1 * r2 + h2 * r1 + h3 * r0 + h4 * s4;
      long d4 = h0 * r4 + h1 * r3 + h2 * r2 + h3 * r1 + h4 * r0;

      long c = d0 >>> 26;
      h0 = d0 & M26;
      d1 += c;
      c = d1 >>> 26;
      h1 = d1 & M26;
      d2 += c;
      c = d2 >>> 26;
      h2 = d2 & M26;
      d3 += c;
      c = d3 >>> 26;
      h3 = d3 & M26;
      d4 += c;
      c = d4 >>> 26;
      h4 = d4 & M26;
      h0 += c * 5;
      c = h0 >>> 26;
      h0 &= M26;
      h1 += c;
    }

    // full carry, then reduce mod 2^130 - 5 by computing h + 5 - 2^130 and selecting
    long c = h1 >>> 26;
    h1 &= M26;
    h2 += c;
    c = h2 >>> 26;
    h2 &= M26;
    h3 += c;
    c = h3 >>> 26;
    h3 &= M26;
    h4 += c;
    c = h4 >>> 26;
    h4 &= M26;
    h0 += c * 5;
    c = h0 >>> 26;
    h0 &= M26;
    h1 += c;

    long g0 = h0 + 5;
    c = g0 >>> 26;
    g0 &= M26;
    long g1 = h1 + c;
    c = g1 >>> 26;
    g1 &= M26;
    long g2 = h2 + c;
    c = g2 >>> 26;
    g2 &= M26;
    long g3 = h3 + c;
    c = g3 >>> 26;
    g3 &= M26;
    long g4 = h4 + c - (1L << 26);

    long useG = (g4 >>> 63) - 1; // all ones when h >= p (no borrow), else 0
    long useH = ~useG;
    h0 = (h0 & useH) | (g0 & useG);
    h1 = (h1 & useH) | (g1 & useG);
    h2 = (h2 & useH) | (g2 & useG);
    h3 = (h3 & useH) | (g3 & useG);
    h4 = (h4 & useH) | (g4 & useG);

    long a0 = (h0 | (h1 << 26)) & 0xffffffffL;
    long a1 = ((h1 >>> 6) | (h2 << 20)) & 0xffffffffL;
    long a2 = ((h2 >>> 12) | (h3 << 14)) & 0xffffffffL;
    long a3 = ((h3 >>> 18) | (h4 << 8)) & 0xffffffffL;

    long f = a0 + u32(key, keyOffset + 16);
    LE32.set(out, outOffset, (int) f);
    f = a1 + u32(key, keyOffset + 20) + (f >>> 32);
    LE32.set(out, outOffset + 4, (int) f);
    f = a2 + u32(key, keyOffset + 24) + (f >>> 32);
    LE32.set(out, outOffset + 8, (int) f);
    f = a3 + u32(key, keyOffset + 28) + (f >>> 32);
    LE32.set(out, outOffset + 12, (int) f);
  }

  private static long u32(byte[] b, int off) {
    return ((int) LE32.get(b, off)) & 0xffffffffL;
  }
}
