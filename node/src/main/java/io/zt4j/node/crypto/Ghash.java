package io.zt4j.node.crypto;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * GHASH (NIST SP 800-38D section 6.4) in plain Java, table-driven, allocation-free per message.
 *
 * <p>Elements of GF(2^128) are held as two {@code long}s, big-endian (bit 0 of the spec, the
 * coefficient of x^0, is the top bit of the first long). Multiplication by the hash key H uses
 * per-position tables: for every byte position i of the 16-byte block and every byte value b the
 * product (b at position i)·H is precomputed, so X·H is the XOR of 16 independent table entries
 * (no shifting, no data-dependent reduction). The tables take 64 KiB per key and are built once
 * in the constructor (about 4,096 XORs).
 *
 * <p>Timing: the table index depends on the hashed data and H, so the memory access pattern is
 * not constant-time (like every table GHASH). See docs/BENCHMARKS.md for why this is accepted.
 *
 * <p>Not thread-safe: it carries the running hash state. The tables are immutable; {@link
 * #Ghash(Ghash)} makes another instance sharing them.
 */
public final class Ghash {
  private static final VarHandle BE64 =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  /** tab[((i << 8) | b) << 1] = high long, [... + 1] = low long of (b at byte i)·H. */
  private final long[] tab;
  private long yh;
  private long yl;

  /** Tables for the 16-byte hash key {@code h[hOffset, +16)} (in AES-GCM: AES_K(0^128)). */
  public Ghash(byte[] h, int hOffset) {
    Objects.checkFromIndexSize(hOffset, 16, h.length);
    tab = new long[16 * 256 * 2];
    long vh = (long) BE64.get(h, hOffset);
    long vl = (long) BE64.get(h, hOffset + 8);
    for (int i = 0; i < 16; i++) {
      int base = i << 9;
      // V = H·x^(8i+j) for bit j (0 = 0x80) of byte i
      for (int j = 0; j < 8; j++) {
        int idx = base + ((0x80 >>> j) << 1);
        tab[idx] = vh;
        tab[idx + 1] = vl;
        // V = V·x: shift right one bit, reduce by x^128 = x^7 + x^2 + x + 1 (0xe1 << 120)
        long carry = vl & 1;
        vl = (vl >>> 1) | (vh << 63);
        vh = (vh >>> 1) ^ (0xe100000000000000L & -carry);
      }
      for (int b = 3; b < 256; b++) {
        int low = b & -b;
        if (low != b) {
          int dst = base + (b << 1);
          int a = base + ((b ^ low) << 1);
          int c = base + (low << 1);
          tab[dst] = tab[a] ^ tab[c];
          tab[dst + 1] = tab[a + 1] ^ tab[c + 1];
        }
      }
    }
  }

  /** Another instance over the same (shared, immutable) tables, with its own state. */
  public Ghash(Ghash other) {
    tab = other.tab;
  }

  /** Starts a new hash (Y = 0). */
  public void reset() {
    yh = 0;
    yl = 0;
  }

  /**
   * Absorbs {@code len} bytes; a final partial block is padded with zeros. Callers that hash
   * several pieces must pass whole 16-byte blocks except for the last piece of each padded
   * section (as GCM does: AAD, then ciphertext).
   */
  public void update(byte[] in, int off, int len) {
    Objects.checkFromIndexSize(off, len, in.length);
    long[] t = tab;
    long h = yh;
    long l = yl;
    int end = off + (len & ~15);
    for (int p = off; p < end; p += 16) {
      h ^= (long) BE64.get(in, p);
      l ^= (long) BE64.get(in, p + 8);
      long zh = 0;
      long zl = 0;
      int i;
      i = (int) (h >>> 55) & 0x1fe;
      zh ^= t[i]; zl ^= t[i + 1];
      i = 0x200 | ((int) (h >>> 47) & 0x1fe);
      zh ^= t[i]; zl ^= t[i + 1];
      i = 0x400 | ((int) (h >>> 39) & 0x1fe);
      zh ^= t[i]; zl ^= t[i + 1];
      i = 0x600 | ((int) (h >>> 31) & 0x1fe);
      zh ^= t[i]; zl ^= t[i + 1];
      i = 0x800 | ((int) (h >>> 23) & 0x1fe);
      zh ^= t[i]; zl ^= t[i + 1];
      i = 0xa00 | ((int) (h >>> 15) & 0x1fe);
      zh ^= t[i]; zl ^= t[i + 1];
      i = 0xc00 | ((int) (h >>> 7) & 0x1fe);
      zh ^= t[i]; zl ^= t[i + 1];
      i = 0xe00 | ((int) (h << 1) & 0x1fe);
      zh ^= t[i]; zl ^= t[i + 1];
      i = 0x1000 | ((int) (l >>> 55) & 0x1fe);
      zh ^= t[i]; zl ^= t[i + 1];
      i = 0x1200 | ((int) (l >>> 47) & 0x1fe);
      zh ^= t[i]; zl ^= t[i + 1];
      i = 0x1400 | ((int) (l >>> 39) & 0x1fe);
      zh ^= t[i]; zl ^= t[i + 1];
      i = 0x1600 | ((int) (l >>> 31) & 0x1fe);
      zh ^= t[i]; zl ^= t[i + 1];
      i = 0x1800 | ((int) (l >>> 23) & 0x1fe);
      zh ^= t[i]; zl ^= t[i + 1];
      i = 0x1a00 | ((int) (l >>> 15) & 0x1fe);
      zh ^= t[i]; zl ^= t[i + 1];
      i = 0x1c00 | ((int) (l >>> 7) & 0x1fe);
      zh ^= t[i]; zl ^= t[i + 1];
      i = 0x1e00 | ((int) (l << 1) & 0x1fe);
      zh ^= t[i]; zl ^= t[i + 1];
      h = zh;
      l = zl;
    }
    yh = h;
    yl = l;
    int rest = len & 15;
    if (rest != 0) {
      long bh = 0;
      long bl = 0;
      for (int k = 0; k < rest; k++) {
        long b = in[end + k] & 0xffL;
        if (k < 8) {
          bh |= b << (56 - (k << 3));
        } else {
          bl |= b << (120 - (k << 3));
        }
      }
      block(bh, bl);
    }
  }

  /** Absorbs one block given as two big-endian longs. */
  public void block(long hi, long lo) {
    long h = yh ^ hi;
    long l = yl ^ lo;
    long[] t = tab;
    long zh = 0;
    long zl = 0;
    for (int i = 0; i < 8; i++) {
      int shift = 56 - (i << 3);
      int ih = (i << 9) | (((int) (h >>> shift) & 0xff) << 1);
      int il = ((i + 8) << 9) | (((int) (l >>> shift) & 0xff) << 1);
      zh ^= t[ih] ^ t[il];
      zl ^= t[ih + 1] ^ t[il + 1];
    }
    yh = zh;
    yl = zl;
  }

  /** High (first) 8 bytes of the current hash value, big-endian. */
  public long high() {
    return yh;
  }

  /** Low (last) 8 bytes of the current hash value, big-endian. */
  public long low() {
    return yl;
  }
}
