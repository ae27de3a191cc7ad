package io.zt4j.node.identity;

import io.zt4j.node.crypto.Salsa20;
import io.zt4j.node.crypto.Sha512;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
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
 * <p>Not thread-safe (it keeps its 2 MiB table for reuse): one instance per thread.
 */
public final class MemoryHardHash {
  /** Size of the table (ZT_IDENTITY_GEN_MEMORY). */
  public static final int MEMORY = 2 * 1024 * 1024;
  /** Hashcash threshold: the first digest byte must be below this. */
  public static final int FIRST_BYTE_LESS_THAN = 17;

  private static final VarHandle BE64 =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  private final byte[] table = new byte[MEMORY];
  private final Salsa20 salsa = new Salsa20();
  private final MessageDigest sha512 = Sha512.newSha512();

  /** Computes the 64-byte hash of {@code publicKey[offset, offset+length)} into {@code digest}. */
  public void compute(byte[] publicKey, int offset, int length, byte[] digest) {
    if (digest.length != 64) {
      throw new IllegalArgumentException("digest must be 64 bytes");
    }
    sha512.update(publicKey, offset, length);
    byte[] d0 = sha512.digest();
    System.arraycopy(d0, 0, digest, 0, 64);

    salsa.init(digest, 0, digest, 32);
    byte[] t = table;
    java.util.Arrays.fill(t, 0, 64, (byte) 0);
    salsa.crypt20(t, 0, t, 0, 64);
    for (int i = 64; i < MEMORY; i += 64) {
      System.arraycopy(t, i - 64, t, i, 64);
      salsa.crypt20(t, i, t, i, 64);
    }

    for (int i = 0; i < MEMORY; i += 16) {
      int idx1 = (int) (((long) BE64.get(t, i)) & 7L) << 3;
      int idx2 = (int) (((long) BE64.get(t, i + 8)) & ((MEMORY / 8) - 1)) << 3;
      long tmp = (long) BE64.get(t, idx2);
      BE64.set(t, idx2, (long) BE64.get(digest, idx1));
      BE64.set(digest, idx1, tmp);
      salsa.crypt20(digest, 0, digest, 0, 64);
    }
  }

  /** Convenience: the hash of a whole 64-byte public key. */
  public byte[] compute(byte[] publicKey) {
    byte[] d = new byte[64];
    compute(publicKey, 0, publicKey.length, d);
    return d;
  }
}
