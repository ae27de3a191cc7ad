package io.zt4j.node.crypto;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * Salsa20 stream cipher (D. J. Bernstein, "The Salsa20 family of stream ciphers", 2008) with a
 * 256-bit key, a 64-bit nonce and a 64-bit block counter starting at 0, in 20 rounds (ZeroTier's
 * identity hash) or 12 rounds (ZeroTier's packet cipher suites 0 and 1).
 *
 * <p>Stream position follows ZeroTier's convention: every {@code crypt} call consumes whole 64-byte
 * keystream blocks. A call with a length that is not a multiple of 64 discards the rest of its last
 * block, so the next call starts at the next block. ZeroTier relies on this: the Poly1305 key is
 * the first 32 bytes of block 0 and the payload is encrypted from block 1 on.
 *
 * <p>Not thread-safe: one instance per thread; reuse it across messages with {@link #init}. No
 * method allocates. Input and output may be the same array at the same offset (in place).
 */
public final class Salsa20 {
  private static final VarHandle LE32 =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

  // "expand 32-byte k"
  private static final int C0 = 0x61707865;
  private static final int C1 = 0x3320646e;
  private static final int C2 = 0x79622d32;
  private static final int C3 = 0x6b206574;

  private int k0, k1, k2, k3, k4, k5, k6, k7;
  private int n0, n1;
  private long counter;
  private final byte[] tail = new byte[64];

  /** An instance that must be {@link #init initialised} before use. */
  public Salsa20() {}

  /** Keyed instance; equivalent to {@code new Salsa20()} followed by {@link #init}. */
  public Salsa20(byte[] key, int keyOffset, byte[] nonce, int nonceOffset) {
    init(key, keyOffset, nonce, nonceOffset);
  }

  /**
   * Sets key (32 bytes at {@code keyOffset}) and nonce (8 bytes at {@code nonceOffset}) and
   * resets the block counter to 0.
   */
  public void init(byte[] key, int keyOffset, byte[] nonce, int nonceOffset) {
    Objects.checkFromIndexSize(keyOffset, 32, key.length);
    Objects.checkFromIndexSize(nonceOffset, 8, nonce.length);
    k0 = (int) LE32.get(key, keyOffset);
    k1 = (int) LE32.get(key, keyOffset + 4);
    k2 = (int) LE32.get(key, keyOffset + 8);
    k3 = (int) LE32.get(key, keyOffset + 12);
    k4 = (int) LE32.get(key, keyOffset + 16);
    k5 = (int) LE32.get(key, keyOffset + 20);
    k6 = (int) LE32.get(key, keyOffset + 24);
    k7 = (int) LE32.get(key, keyOffset + 28);
    n0 = (int) LE32.get(nonce, nonceOffset);
    n1 = (int) LE32.get(nonce, nonceOffset + 4);
    counter = 0;
  }

  /** Salsa20/12: XORs {@code length} bytes of keystream into {@code in}, writing {@code out}. */
  public void crypt12(byte[] in, int inOffset, byte[] out, int outOffset, int length) {
    crypt(12, in, inOffset, out, outOffset, length);
  }

  /** Salsa20/20: XORs {@code length} bytes of keystream into {@code in}, writing {@code out}. */
  public void crypt20(byte[] in, int inOffset, byte[] out, int outOffset, int length) {
    crypt(20, in, inOffset, out, outOffset, length);
  }

  /** Writes {@code length} bytes of raw keystream (the encryption of zeros) to {@code out}. */
  public void keystream(int rounds, byte[] out, int outOffset, int length) {
    checkRounds(rounds);
    Objects.checkFromIndexSize(outOffset, length, out.length);
    run(rounds, null, 0, out, outOffset, length);
  }

  /**
   * The next Salsa20/20 keystream block as 16 little-endian 32-bit words into {@code out[0, 16)};
   * advances the stream by one block (like a 64-byte {@link #crypt20}). For callers that work on
   * words, such as ZeroTier's memory-hard identity hash: a small method without byte views, which
   * the interpreter runs quickly and the JIT compiles early (see {@code MemoryHardHash}).
   */
  public void nextBlock20(int[] out) {
    Objects.checkFromIndexSize(0, 16, out.length);
    long ctr = counter;
    counter = ctr + 1;
    int j8 = (int) ctr;
    int j9 = (int) (ctr >>> 32);
    int x0 = C0, x1 = k0, x2 = k1, x3 = k2, x4 = k3, x5 = C1, x6 = n0, x7 = n1;
    int x8 = j8, x9 = j9, x10 = C2, x11 = k4, x12 = k5, x13 = k6, x14 = k7, x15 = C3;
    int t;
    // rotations spelled as shifts: the interpreter would call Integer.rotateLeft; C2 sees rotates
    for (int r = 0; r < 10; r++) {
      t = x0 + x12; x4 ^= (t << 7) | (t >>> 25);
      t = x4 + x0; x8 ^= (t << 9) | (t >>> 23);
      t = x8 + x4; x12 ^= (t << 13) | (t >>> 19);
      t = x12 + x8; x0 ^= (t << 18) | (t >>> 14);
      t = x5 + x1; x9 ^= (t << 7) | (t >>> 25);
      t = x9 + x5; x13 ^= (t << 9) | (t >>> 23);
      t = x13 + x9; x1 ^= (t << 13) | (t >>> 19);
      t = x1 + x13; x5 ^= (t << 18) | (t >>> 14);
      t = x10 + x6; x14 ^= (t << 7) | (t >>> 25);
      t = x14 + x10; x2 ^= (t << 9) | (t >>> 23);
      t = x2 + x14; x6 ^= (t << 13) | (t >>> 19);
      t = x6 + x2; x10 ^= (t << 18) | (t >>> 14);
      t = x15 + x11; x3 ^= (t << 7) | (t >>> 25);
      t = x3 + x15; x7 ^= (t << 9) | (t >>> 23);
      t = x7 + x3; x11 ^= (t << 13) | (t >>> 19);
      t = x11 + x7; x15 ^= (t << 18) | (t >>> 14);
      t = x0 + x3; x1 ^= (t << 7) | (t >>> 25);
      t = x1 + x0; x2 ^= (t << 9) | (t >>> 23);
      t = x2 + x1; x3 ^= (t << 13) | (t >>> 19);
      t = x3 + x2; x0 ^= (t << 18) | (t >>> 14);
      t = x5 + x4; x6 ^= (t << 7) | (t >>> 25);
      t = x6 + x5; x7 ^= (t << 9) | (t >>> 23);
      t = x7 + x6; x4 ^= (t << 13) | (t >>> 19);
      t = x4 + x7; x5 ^= (t << 18) | (t >>> 14);
      t = x10 + x9; x11 ^= (t << 7) | (t >>> 25);
      t = x11 + x10; x8 ^= (t << 9) | (t >>> 23);
      t = x8 + x11; x9 ^= (t << 13) | (t >>> 19);
      t = x9 + x8; x10 ^= (t << 18) | (t >>> 14);
      t = x15 + x14; x12 ^= (t << 7) | (t >>> 25);
      t = x12 + x15; x13 ^= (t << 9) | (t >>> 23);
      t = x13 + x12; x14 ^= (t << 13) | (t >>> 19);
      t = x14 + x13; x15 ^= (t << 18) | (t >>> 14);
    }
    out[0] = x0 + C0;
    out[1] = x1 + k0;
    out[2] = x2 + k1;
    out[3] = x3 + k2;
    out[4] = x4 + k3;
    out[5] = x5 + C1;
    out[6] = x6 + n0;
    out[7] = x7 + n1;
    out[8] = x8 + j8;
    out[9] = x9 + j9;
    out[10] = x10 + C2;
    out[11] = x11 + k4;
    out[12] = x12 + k5;
    out[13] = x13 + k6;
    out[14] = x14 + k7;
    out[15] = x15 + C3;
  }

  /**
   * XORs {@code length} bytes of Salsa20/{@code rounds} keystream into {@code in}.
   *
   * @param rounds 8, 12 or 20
   */
  public void crypt(int rounds, byte[] in, int inOffset, byte[] out, int outOffset, int length) {
    checkRounds(rounds);
    Objects.checkFromIndexSize(inOffset, length, in.length);
    Objects.checkFromIndexSize(outOffset, length, out.length);
    run(rounds, in, inOffset, out, outOffset, length);
  }

  private static int word(int i, int a, int b, int c, int d, int e, int f, int g, int h) {
    switch (i) {
      case 0: return a;
      case 1: return b;
      case 2: return c;
      case 3: return d;
      case 4: return e;
      case 5: return f;
      case 6: return g;
      default: return h;
    }
  }

  private static void checkRounds(int rounds) {
    if (rounds != 8 && rounds != 12 && rounds != 20) {
      throw new IllegalArgumentException("rounds must be 8, 12 or 20: " + rounds);
    }
  }

  private void run(int rounds, byte[] in, int ip, byte[] out, int op, int length) {
    long ctr = counter;
    int remaining = length;
    while (remaining > 0) {
      int j8 = (int) ctr;
      int j9 = (int) (ctr >>> 32);
      // state words: constants on the diagonal, key, nonce, counter (Salsa20 spec section 9)
      int x0 = C0, x1 = k0, x2 = k1, x3 = k2, x4 = k3, x5 = C1, x6 = n0, x7 = n1;
      int x8 = j8, x9 = j9, x10 = C2, x11 = k4, x12 = k5, x13 = k6, x14 = k7, x15 = C3;
      for (int r = rounds; r > 0; r -= 2) {
        // column round
        x4 ^= Integer.rotateLeft(x0 + x12, 7);
        x8 ^= Integer.rotateLeft(x4 + x0, 9);
        x12 ^= Integer.rotateLeft(x8 + x4, 13);
        x0 ^= Integer.rotateLeft(x12 + x8, 18);
        x9 ^= Integer.rotateLeft(x5 + x1, 7);
        x13 ^= Integer.rotateLeft(x9 + x5, 9);
        x1 ^= Integer.rotateLeft(x13 + x9, 13);
        x5 ^= Integer.rotateLeft(x1 + x13, 18);
        x14 ^= Integer.rotateLeft(x10 + x6, 7);
        x2 ^= Integer.rotateLeft(x14 + x10, 9);
        x6 ^= Integer.rotateLeft(x2 + x14, 13);
        x10 ^= Integer.rotateLeft(x6 + x2, 18);
        x3 ^= Integer.rotateLeft(x15 + x11, 7);
        x7 ^= Integer.rotateLeft(x3 + x15, 9);
        x11 ^= Integer.rotateLeft(x7 + x3, 13);
        x15 ^= Integer.rotateLeft(x11 + x7, 18);
        // row round
        x1 ^= Integer.rotateLeft(x0 + x3, 7);
        x2 ^= Integer.rotateLeft(x1 + x0, 9);
        x3 ^= Integer.rotateLeft(x2 + x1, 13);
        x0 ^= Integer.rotateLeft(x3 + x2, 18);
        x6 ^= Integer.rotateLeft(x5 + x4, 7);
        x7 ^= Integer.rotateLeft(x6 + x5, 9);
        x4 ^= Integer.rotateLeft(x7 + x6, 13);
        x5 ^= Integer.rotateLeft(x4 + x7, 18);
        x11 ^= Integer.rotateLeft(x10 + x9, 7);
        x8 ^= Integer.rotateLeft(x11 + x10, 9);
        x9 ^= Integer.rotateLeft(x8 + x11, 13);
        x10 ^= Integer.rotateLeft(x9 + x8, 18);
        x12 ^= Integer.rotateLeft(x15 + x14, 7);
        x13 ^= Integer.rotateLeft(x12 + x15, 9);
        x14 ^= Integer.rotateLeft(x13 + x12, 13);
        x15 ^= Integer.rotateLeft(x14 + x13, 18);
      }
      // feed-forward; re-reading the fields keeps fewer values live across the rounds
      x0 += C0;
      x1 += k0;
      x2 += k1;
      x3 += k2;
      x4 += k3;
      x5 += C1;
      x6 += n0;
      x7 += n1;
      x8 += j8;
      x9 += j9;
      x10 += C2;
      x11 += k4;
      x12 += k5;
      x13 += k6;
      x14 += k7;
      x15 += C3;
      ++ctr;
      if (remaining >= 64) {
        if (in == null) {
          LE32.set(out, op, x0);
          LE32.set(out, op + 4, x1);
          LE32.set(out, op + 8, x2);
          LE32.set(out, op + 12, x3);
          LE32.set(out, op + 16, x4);
          LE32.set(out, op + 20, x5);
          LE32.set(out, op + 24, x6);
          LE32.set(out, op + 28, x7);
          LE32.set(out, op + 32, x8);
          LE32.set(out, op + 36, x9);
          LE32.set(out, op + 40, x10);
          LE32.set(out, op + 44, x11);
          LE32.set(out, op + 48, x12);
          LE32.set(out, op + 52, x13);
          LE32.set(out, op + 56, x14);
          LE32.set(out, op + 60, x15);
        } else {
          LE32.set(out, op, x0 ^ (int) LE32.get(in, ip));
          LE32.set(out, op + 4, x1 ^ (int) LE32.get(in, ip + 4));
          LE32.set(out, op + 8, x2 ^ (int) LE32.get(in, ip + 8));
          LE32.set(out, op + 12, x3 ^ (int) LE32.get(in, ip + 12));
          LE32.set(out, op + 16, x4 ^ (int) LE32.get(in, ip + 16));
          LE32.set(out, op + 20, x5 ^ (int) LE32.get(in, ip + 20));
          LE32.set(out, op + 24, x6 ^ (int) LE32.get(in, ip + 24));
          LE32.set(out, op + 28, x7 ^ (int) LE32.get(in, ip + 28));
          LE32.set(out, op + 32, x8 ^ (int) LE32.get(in, ip + 32));
          LE32.set(out, op + 36, x9 ^ (int) LE32.get(in, ip + 36));
          LE32.set(out, op + 40, x10 ^ (int) LE32.get(in, ip + 40));
          LE32.set(out, op + 44, x11 ^ (int) LE32.get(in, ip + 44));
          LE32.set(out, op + 48, x12 ^ (int) LE32.get(in, ip + 48));
          LE32.set(out, op + 52, x13 ^ (int) LE32.get(in, ip + 52));
          LE32.set(out, op + 56, x14 ^ (int) LE32.get(in, ip + 56));
          LE32.set(out, op + 60, x15 ^ (int) LE32.get(in, ip + 60));
          ip += 64;
        }
        op += 64;
        remaining -= 64;
      } else {
        byte[] t = tail;
        for (int w = 0; w < 16; w++) {
          LE32.set(t, w << 2, w < 8 ? word(w, x0, x1, x2, x3, x4, x5, x6, x7)
              : word(w - 8, x8, x9, x10, x11, x12, x13, x14, x15));
        }
        for (int i = 0; i < remaining; i++) {
          out[op + i] = in == null ? t[i] : (byte) (t[i] ^ in[ip + i]);
        }
        remaining = 0;
      }
    }
    counter = ctr;
  }
}
