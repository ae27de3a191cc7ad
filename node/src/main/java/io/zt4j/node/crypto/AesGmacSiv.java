package io.zt4j.node.crypto;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.GeneralSecurityException;
import java.util.Objects;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-GMAC-SIV exactly as ZeroTier One 1.12+ builds it ({@code node/AES.hpp}, {@code
 * GMACSIVEncryptor}/{@code GMACSIVDecryptor}), on JDK AES (AES-NI).
 *
 * <p>Encryption of a message with a 64-bit IV, AAD and plaintext P:
 *
 * <ol>
 *   <li>{@code g = GMAC(K0, nonce = IV ‖ 0^32, AAD ‖ 0-pad to 16 ‖ P)} — ZeroTier's GMAC hashes
 *       one byte stream, zero-pads it to whole blocks and closes it with the length block {@code
 *       [8·total bytes]_64 ‖ 0^64}; the result is {@code GHASH_H(...) ⊕ AES(K0, IV ‖ 0^32 ‖
 *       0x00000001)} with {@code H = AES(K0, 0^128)}: bit for bit the tag of AES-GCM with that
 *       96-bit nonce, the stream as AAD and an empty plaintext.
 *   <li>{@code T = AES-ENC(K1, IV ‖ (g[0:8] ⊕ g[8:16]))} — the 16-byte opaque tag.
 *   <li>{@code C = AES-CTR(K1, T with bit 7 of byte 12 cleared, P)}: counter blocks are the first
 *       12 bytes of that block followed by its last 4 bytes as a big-endian counter incremented
 *       modulo 2^32 (ZeroTier's convention; the cleared bit leaves 2^31 blocks before a wrap;
 *       the JDK's CTR carries into the upper 96 bits instead, which cannot happen here either).
 * </ol>
 *
 * Decryption recovers {@code IV ‖ m = AES-DEC(K1, T)}, decrypts with CTR, recomputes {@code g}
 * and accepts iff {@code g[0:8] ⊕ g[8:16] == m} (8 bytes compared without early exit).
 *
 * <p><b>GMAC engines</b> ({@link GmacEngine}); both give identical bytes (tested against each
 * other and ZeroTier One's packets):
 *
 * <ul>
 *   <li>{@link GmacEngine#JDK_GCM} (default): the JDK's AES-GCM with the stream as AAD (GHASH on
 *       PCLMULQDQ), and JDK AES/CTR for the payload. JDK 17 builds a new GCM engine on every
 *       {@code init} and buffers the AAD: about 3.8 KB of garbage per message of 1.4 KB. The
 *       JDK refuses two consecutive GCM encryptions with one key and nonce, which decrypting a
 *       duplicate packet needs, so for a repeated nonce the engine is first re-initialised with
 *       a dummy nonce whose last 32 bits are non-zero (never a ZeroTier nonce): duplicates
 *       verify as often as they arrive.
 *   <li>{@link GmacEngine#JAVA_GHASH}: {@link Ghash}, table-driven in Java, and CTR as counter
 *       blocks through the already keyed AES/ECB cipher (no {@code Cipher.init} per message);
 *       allocates nothing, but costs about 1.7× the CPU per message and holds 64 KiB of tables
 *       per instance (see docs/BENCHMARKS.md, "ZeroTier crypto").
 * </ul>
 *
 * <p>Not thread-safe: it owns JDK {@link Cipher} instances, hash state and scratch buffers. Build
 * one per (key, thread) and reuse it; data is encrypted/decrypted in place. Besides what the JDK
 * GCM engine allocates, no method allocates.
 */
public final class AesGmacSiv {
  /** Tag length in bytes. */
  public static final int TAG_LENGTH = 16;
  /** Largest AAD this implementation accepts (ZeroTier uses 11 bytes). */
  public static final int MAX_AAD_LENGTH = 64;

  /** How the GMAC (GHASH) part is computed. */
  public enum GmacEngine {
    /** JDK AES-GCM and AES-CTR (intrinsics); fastest, about 3.8 KB of JDK garbage per message. */
    JDK_GCM,
    /** {@link Ghash} tables in Java, CTR over AES/ECB; no garbage, slower, 64 KiB per instance. */
    JAVA_GHASH
  }

  private static final VarHandle BE64 =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle BE32 =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
  /** CTR keystream is produced this many bytes per ECB call. */
  private static final int CHUNK = 4096;
  /**
   * With {@link GmacEngine#JDK_GCM}, messages up to this many bytes take the paths without
   * per-message {@code Cipher.init} for CTR and with one {@code updateAAD} call; longer ones use the
   * JDK's CTR (measured crossover, docs/BENCHMARKS.md).
   */
  static final int SMALL = 256;

  private final Cipher ecbEncrypt;
  private final Cipher ecbDecrypt;
  private final SecretKeySpec k1;
  private final byte[] block = new byte[16];
  private final byte[] counters = new byte[CHUNK];
  private final byte[] keystream = new byte[CHUNK];
  private long lastIv;

  // JAVA_GHASH
  private final Ghash ghash;
  private final Cipher ecbK0;
  private final byte[] j0;
  private final byte[] ej0;

  // JDK_GCM
  private final SecretKeySpec k0;
  private final Cipher gcm;
  private final Cipher jdkCtr;
  private final byte[] nonce;
  private final byte[] aadPadded;
  private final byte[] gmacOut;
  private long lastNonce;
  private boolean gcmUsed;

  /**
   * With the default engine, {@link GmacEngine#JDK_GCM}.
   *
   * @param k0 32-byte GMAC key
   * @param k1 32-byte AES-ECB/CTR key
   */
  public AesGmacSiv(byte[] k0, byte[] k1) {
    this(k0, k1, GmacEngine.JDK_GCM);
  }

  /**
   * @param k0 32-byte GMAC key
   * @param k1 32-byte AES-ECB/CTR key
   * @param engine how the GMAC is computed
   */
  public AesGmacSiv(byte[] k0, byte[] k1, GmacEngine engine) {
    if (k0.length != 32 || k1.length != 32) {
      throw new IllegalArgumentException("AES-GMAC-SIV keys must be 32 bytes");
    }
    Objects.requireNonNull(engine, "engine");
    SecretKeySpec key0 = new SecretKeySpec(k0, "AES");
    SecretKeySpec key1 = new SecretKeySpec(k1, "AES");
    this.k1 = key1;
    try {
      ecbEncrypt = Cipher.getInstance("AES/ECB/NoPadding");
      ecbEncrypt.init(Cipher.ENCRYPT_MODE, key1);
      ecbDecrypt = Cipher.getInstance("AES/ECB/NoPadding");
      ecbDecrypt.init(Cipher.DECRYPT_MODE, key1);
      if (engine == GmacEngine.JAVA_GHASH) {
        ecbK0 = Cipher.getInstance("AES/ECB/NoPadding");
        ecbK0.init(Cipher.ENCRYPT_MODE, key0);
        byte[] h = new byte[16];
        ecbK0.update(new byte[16], 0, 16, h, 0);
        ghash = new Ghash(h, 0);
        j0 = new byte[16];
        ej0 = new byte[16];
        this.k0 = null;
        gcm = null;
        jdkCtr = null;
        nonce = null;
        aadPadded = null;
        gmacOut = null;
      } else {
        this.k0 = key0;
        gcm = Cipher.getInstance("AES/GCM/NoPadding");
        jdkCtr = Cipher.getInstance("AES/CTR/NoPadding");
        nonce = new byte[12];
        aadPadded = new byte[MAX_AAD_LENGTH + SMALL];
        gmacOut = new byte[16];
        ecbK0 = null;
        ghash = null;
        j0 = null;
        ej0 = null;
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("JDK AES unavailable", e);
    }
  }

  /** Keyed from a {@link SymmetricKey}'s K0/K1, default engine. */
  public AesGmacSiv(SymmetricKey key) {
    this(key.aesK0, key.aesK1);
  }

  /** Keyed from a {@link SymmetricKey}'s K0/K1. */
  public AesGmacSiv(SymmetricKey key, GmacEngine engine) {
    this(key.aesK0, key.aesK1, engine);
  }

  /**
   * Encrypts {@code data[dataOffset, +dataLength)} in place and writes the 16-byte tag.
   *
   * @param iv the message's 64-bit IV (ZeroTier: the packet ID before armouring)
   */
  public void encrypt(
      long iv,
      byte[] aad, int aadOffset, int aadLength,
      byte[] data, int dataOffset, int dataLength,
      byte[] tag, int tagOffset) {
    Objects.checkFromIndexSize(tagOffset, TAG_LENGTH, tag.length);
    Objects.checkFromIndexSize(dataOffset, dataLength, data.length);
    long mac = gmac(iv, aad, aadOffset, aadLength, data, dataOffset, dataLength);
    BE64.set(block, 0, iv);
    BE64.set(block, 8, mac);
    aes(ecbEncrypt, block, 0, tag, tagOffset);
    ctr(tag, tagOffset, data, dataOffset, dataLength);
  }

  /**
   * Decrypts {@code data[dataOffset, +dataLength)} in place and checks the tag. On failure the
   * data is garbage and must be dropped.
   *
   * @return true iff the tag authenticates AAD and plaintext
   */
  public boolean decrypt(
      byte[] tag, int tagOffset,
      byte[] aad, int aadOffset, int aadLength,
      byte[] data, int dataOffset, int dataLength) {
    Objects.checkFromIndexSize(tagOffset, TAG_LENGTH, tag.length);
    Objects.checkFromIndexSize(dataOffset, dataLength, data.length);
    aes(ecbDecrypt, tag, tagOffset, block, 0);
    long iv = (long) BE64.get(block, 0);
    long mac = (long) BE64.get(block, 8);
    ctr(tag, tagOffset, data, dataOffset, dataLength);
    long computed = gmac(iv, aad, aadOffset, aadLength, data, dataOffset, dataLength);
    lastIv = iv;
    return (computed ^ mac) == 0;
  }

  /** The 64-bit IV recovered by the last {@link #decrypt} (whether or not it authenticated). */
  public long lastDecryptedIv() {
    return lastIv;
  }

  /** One AES block; {@code in} and {@code out} must not be the same array (the JDK would copy). */
  private static void aes(Cipher ecb, byte[] in, int inOffset, byte[] out, int outOffset) {
    try {
      ecb.update(in, inOffset, 16, out, outOffset);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private void ctr(byte[] tag, int tagOffset, byte[] data, int dataOffset, int dataLength) {
    if (jdkCtr != null && dataLength > SMALL) {
      ctrJdk(tag, tagOffset, data, dataOffset, dataLength);
    } else {
      ctrEcb(tag, tagOffset, data, dataOffset, dataLength);
    }
  }

  /** JDK AES/CTR (one pass, pipelined AES-NI); re-initialised per message: 128 B of garbage. */
  private void ctrJdk(byte[] tag, int tagOffset, byte[] data, int dataOffset, int dataLength) {
    System.arraycopy(tag, tagOffset, block, 0, 16);
    block[12] &= 0x7f;
    try {
      jdkCtr.init(Cipher.ENCRYPT_MODE, k1, new IvParameterSpec(block));
      int p = dataOffset;
      int remaining = dataLength;
      while (remaining > 0) {
        // the JDK copies its input when a cipher works in place; a reused scratch array is cheaper
        int n = Math.min(remaining, CHUNK);
        int done = jdkCtr.update(data, p, n, keystream, 0);
        System.arraycopy(keystream, 0, data, p, done);
        p += n;
        remaining -= n;
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Counter blocks through the reused AES/ECB cipher, then XOR: allocation-free. */
  private void ctrEcb(byte[] tag, int tagOffset, byte[] data, int dataOffset, int dataLength) {
    long prefix = (long) BE64.get(tag, tagOffset);
    long mid = ((long) (int) BE32.get(tag, tagOffset + 8)) << 32;
    int count = (int) BE32.get(tag, tagOffset + 12) & 0x7fffffff;
    byte[] c = counters;
    byte[] k = keystream;
    int p = dataOffset;
    int remaining = dataLength;
    while (remaining > 0) {
      int n = Math.min(remaining, CHUNK);
      int bytes = (n + 15) & ~15;
      for (int o = 0; o < bytes; o += 16) {
        BE64.set(c, o, prefix);
        BE64.set(c, o + 8, mid | (count++ & 0xffffffffL)); // 32-bit counter, wraps like ZeroTier's
      }
      try {
        ecbEncrypt.update(c, 0, bytes, k, 0); // the JDK pipelines AES-NI over the blocks
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
      // XOR through a scratch copy so both operands share one index: C2 vectorises that byte
      // loop (with different offsets into possibly the same array it cannot, nor long views)
      byte[] x = counters;
      System.arraycopy(data, p, x, 0, n);
      for (int i = 0; i < n; i++) {
        x[i] ^= k[i];
      }
      System.arraycopy(x, 0, data, p, n);
      p += n;
      remaining -= n;
    }
  }

  /** g[0:8] ⊕ g[8:16] of ZeroTier's GMAC. */
  private long gmac(
      long iv, byte[] aad, int aadOffset, int aadLength, byte[] data, int dataOffset, int dataLength) {
    if (aadLength < 0 || aadLength > MAX_AAD_LENGTH) {
      throw new IllegalArgumentException("AAD length " + aadLength);
    }
    Objects.checkFromIndexSize(aadOffset, aadLength, aad.length);
    return ghash != null
        ? gmacJava(iv, aad, aadOffset, aadLength, data, dataOffset, dataLength)
        : gmacJdk(iv, aad, aadOffset, aadLength, data, dataOffset, dataLength);
  }

  private long gmacJava(
      long iv, byte[] aad, int aadOffset, int aadLength, byte[] data, int dataOffset, int dataLength) {
    Ghash g = ghash;
    g.reset();
    g.update(aad, aadOffset, aadLength);
    g.update(data, dataOffset, dataLength);
    int padded = (aadLength + 15) & ~15;
    g.block(8L * (padded + dataLength), 0);
    // GCM's pre-counter block for a 96-bit nonce: nonce ‖ 0x00000001
    BE64.set(j0, 0, iv);
    BE64.set(j0, 8, 1L);
    aes(ecbK0, j0, 0, ej0, 0);
    return g.high() ^ g.low() ^ (long) BE64.get(ej0, 0) ^ (long) BE64.get(ej0, 8);
  }

  private long gmacJdk(
      long iv, byte[] aad, int aadOffset, int aadLength, byte[] data, int dataOffset, int dataLength) {
    int padded = (aadLength + 15) & ~15;
    byte[] stream = aadPadded;
    System.arraycopy(aad, aadOffset, stream, 0, aadLength);
    for (int i = aadLength; i < padded; i++) {
      stream[i] = 0;
    }
    boolean small = dataLength <= SMALL;
    if (small) {
      // one updateAAD call: the JDK buffers the AAD in a stream that would otherwise grow once
      System.arraycopy(data, dataOffset, stream, padded, dataLength);
    }
    try {
      if (gcmUsed && iv == lastNonce) {
        // the JDK forbids two consecutive GCM encryptions with one nonce: interpose a dummy one
        BE64.set(nonce, 0, iv);
        nonce[8] = nonce[9] = nonce[10] = nonce[11] = (byte) 0xff;
        gcm.init(Cipher.ENCRYPT_MODE, k0, new GCMParameterSpec(128, nonce));
      }
      BE64.set(nonce, 0, iv);
      nonce[8] = nonce[9] = nonce[10] = nonce[11] = 0;
      gcm.init(Cipher.ENCRYPT_MODE, k0, new GCMParameterSpec(128, nonce));
      lastNonce = iv;
      gcmUsed = true;
      if (small) {
        if (padded + dataLength > 0) {
          gcm.updateAAD(stream, 0, padded + dataLength);
        }
      } else {
        if (padded > 0) {
          gcm.updateAAD(stream, 0, padded);
        }
        gcm.updateAAD(data, dataOffset, dataLength);
      }
      gcm.doFinal(gmacOut, 0);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    return (long) BE64.get(gmacOut, 0) ^ (long) BE64.get(gmacOut, 8);
  }
}
