package io.zt4j.node.identity;

import io.zt4j.node.crypto.Salsa20;
import io.zt4j.node.crypto.Sha512;
import java.security.MessageDigest;

/**
 * ZeroTier's memory-hard hash of a type-0 identity's 64-byte public key (the hashcash behind
 * addresses; {@code _computeMemoryHardHash} in ZeroTier One's {@code Identity.cpp}).
 *
 * <ol>
 *   <li>{@code d = SHA-512(publicKey)}; Salsa20/20 keyed with {@code d[0:32]}, nonce {@code
 *       d[32:40]}.
 *   <li>A 2 MiB table is filled block by block: block 0 is the encryption of 64 zero bytes, every
 *       further 64-byte block the encryption of the previous block (chained, so the table cannot
 *       be computed out of order).
 *   <li>For each pair of 64-bit big-endian words (a, b) of the table, in order: swap the 8-byte
 *       word {@code d[8·(a mod 8)]} with table word {@code b mod 262144}, then encrypt {@code d}
 *       in place with the continuing Salsa20/20 stream.
 * </ol>
 *
 * The result {@code d} is valid hashcash iff {@code d[0] < 17}; the address is {@code d[59:64]}.
 *
 * <p>Layout for speed, cold and warm: table and digest are held as little-endian 32-bit words
 * (Salsa20's own word order), so encrypting is a word XOR and swapping an 8-byte word is swapping
 * two ints — byte for byte the same as the byte-array description above. The big-endian words a
 * and b are only needed for their low bits ({@code a mod 8}: the top byte of a's second
 * little-endian int; {@code b mod 2^18}: the byte-reversed second int of b, masked). The work runs
 * in two small methods called once per block ({@link #fillBlock}, {@link #mixStep}) around the
 * word-based Salsa20 core ({@link Salsa20#nextBlock20}): invocation counters get them compiled
 * by C1 after a few hundred blocks and by C2 after a few thousand, where one long loop in one
 * method would wait for on-stack replacement; no {@code VarHandle} byte views, whose method
 * handle plumbing is slow until it is compiled. This is the first thing a freshly started node
 * does (it validates its own identity), so the cold path counts: docs/BENCHMARKS.md.
 *
 * <p>Not thread-safe (it keeps its 2 MiB table for reuse): one instance per thread.
 */
public final class MemoryHardHash {
  /** Size of the table (ZT_IDENTITY_GEN_MEMORY). */
  public static final int MEMORY = 2 * 1024 * 1024;
  /** Hashcash threshold: the first digest byte must be below this. */
  public static final int FIRST_BYTE_LESS_THAN = 17;

  private static final int WORDS = MEMORY / 4;
  private static final int BLOCKS = MEMORY / 64;

  private final int[] table = new int[WORDS];
  private final int[] d = new int[16];
  private final int[] ks = new int[16];
  private final byte[] keyAndNonce = new byte[40];
  private final Salsa20 salsa = new Salsa20();
  private final MessageDigest sha512 = Sha512.newSha512();

  /** Computes the 64-byte hash of {@code publicKey[offset, offset+length)} into {@code digest}. */
  public void compute(byte[] publicKey, int offset, int length, byte[] digest) {
    if (digest.length != 64) {
      throw new IllegalArgumentException("digest must be 64 bytes");
    }
    sha512.update(publicKey, offset, length);
    byte[] d0 = sha512.digest();
    System.arraycopy(d0, 0, keyAndNonce, 0, 40);
    salsa.init(keyAndNonce, 0, keyAndNonce, 32);
    for (int w = 0; w < 16; w++) {
      d[w] = leInt(d0, w << 2);
    }
    for (int b = 0; b < BLOCKS; b++) {
      fillBlock(b);
    }
    for (int i = 0; i < WORDS; i += 4) {
      mixStep(i);
    }
    for (int w = 0; w < 16; w++) {
      int v = d[w];
      digest[w << 2] = (byte) v;
      digest[(w << 2) + 1] = (byte) (v >>> 8);
      digest[(w << 2) + 2] = (byte) (v >>> 16);
      digest[(w << 2) + 3] = (byte) (v >>> 24);
    }
  }

  /** Table block {@code b} = block {@code b - 1} (zeros for block 0) ⊕ the next keystream block. */
  private void fillBlock(int b) {
    int[] k = ks;
    int[] t = table;
    salsa.nextBlock20(k);
    int base = b << 4;
    if (b == 0) {
      System.arraycopy(k, 0, t, 0, 16);
    } else {
      for (int w = 0; w < 16; w++) {
        t[base + w] = t[base - 16 + w] ^ k[w];
      }
    }
  }

  /**
   * One step of the mixing pass over the 16-byte pair (a, b) at table word {@code i}: swap digest
   * 8-byte word {@code a mod 8} with table 8-byte word {@code b mod 2^18}, then encrypt the digest.
   */
  private void mixStep(int i) {
    int[] t = table;
    int[] dig = d;
    int idx1 = ((t[i + 1] >>> 24) & 7) << 1;
    int idx2 = (Integer.reverseBytes(t[i + 3]) & ((MEMORY / 8) - 1)) << 1;
    int lo = t[idx2];
    int hi = t[idx2 + 1];
    t[idx2] = dig[idx1];
    t[idx2 + 1] = dig[idx1 + 1];
    dig[idx1] = lo;
    dig[idx1 + 1] = hi;
    int[] k = ks;
    salsa.nextBlock20(k);
    for (int w = 0; w < 16; w++) {
      dig[w] ^= k[w];
    }
  }

  private static int leInt(byte[] b, int off) {
    return (b[off] & 0xff) | (b[off + 1] & 0xff) << 8 | (b[off + 2] & 0xff) << 16
        | (b[off + 3] & 0xff) << 24;
  }

  /** Convenience: the hash of a whole 64-byte public key. */
  public byte[] compute(byte[] publicKey) {
    byte[] d = new byte[64];
    compute(publicKey, 0, publicKey.length, d);
    return d;
  }
}
