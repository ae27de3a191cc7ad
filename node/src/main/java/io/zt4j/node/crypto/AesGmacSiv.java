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
 * <p><b>GMAC engines</b> ({@link GmacEngine}); all give identical bytes (tested against each
 * other and ZeroTier One's packets). {@link GmacEngine#preferred()} — what the constructors without
 * an engine use — is {@link GmacEngine#JDK_GHASH} when this JVM allows it, else {@link
 * GmacEngine#JDK_GCM}; no JVM flag is needed for either.
 *
 * <ul>
 *   <li>{@link GmacEngine#JDK_GHASH}: the JDK's GHASH class ({@link JdkGhash}; PCLMULQDQ intrinsic)
 *       called directly over the stream, then {@code ⊕ AES(K0, IV ‖ 0^32 ‖ 1)} through a keyed
 *       AES/ECB cipher: no per-message {@code Cipher.init} for the GMAC and nothing allocated.
 *       Needs {@code java.base} to open {@code com.sun.crypto.provider} to zt4j ({@code
 *       --add-opens java.base/com.sun.crypto.provider=ALL-UNNAMED}, or {@code Add-Opens:
 *       java.base/com.sun.crypto.provider} in an executable JAR's manifest). About 2× less CPU per
 *       message than {@code JDK_GCM} (docs/BENCHMARKS.md, "ZeroTier crypto").
 *   <li>{@link GmacEngine#JDK_GCM}: the JDK's AES-GCM with the stream as AAD, through the public
 *       API. JDK 17 builds a new GCM engine on every {@code init} and buffers the AAD: about 0.9 KB
 *       plus twice the message of garbage per message. The JDK refuses two consecutive GCM
 *       encryptions with one key and nonce, which decrypting a duplicate packet needs, so for a
 *       repeated nonce the engine is first re-initialised with a dummy nonce whose last 32 bits are
 *       non-zero (never a ZeroTier nonce): duplicates verify as often as they arrive.
 *   <li>{@link GmacEngine#JAVA_GHASH}: {@link Ghash}, table-driven in Java (table lookups indexed
 *       by secret data: not constant-time); allocates nothing, but costs about 1.7× the CPU of
 *       {@code JDK_GCM} per message and holds 64 KiB of tables per instance.
 * </ul>
 *
 * <p>CTR: messages up to {@value #SMALL} bytes (ACKs and other control packets) and every message
 * of {@code JAVA_GHASH} run CTR as counter blocks through the already keyed AES/ECB cipher (no
 * {@code Cipher.init}); longer messages of the JDK engines use the JDK's AES/CTR, re-initialised
 * per message (128 bytes of garbage), which is faster for them.
 *
 * <p>Not thread-safe: it owns JDK {@link Cipher} instances, hash state and scratch buffers. Build
 * one per (key, thread) and reuse it; data is encrypted/decrypted in place. Besides what the JDK's
 * GCM and CTR allocate as said above, no method allocates.
 */
public final class AesGmacSiv {
  /** Tag length in bytes. */
  public static final int TAG_LENGTH = 16;
  /** Largest AAD this implementation accepts (ZeroTier uses 11 bytes). */
  public static final int MAX_AAD_LENGTH = 64;

  /** How the GMAC (GHASH) part is computed. */
  public enum GmacEngine {
    /**
     * The JDK's GHASH class called directly (PCLMULQDQ intrinsic); no garbage, fastest. Only when
     * {@code java.base} opens {@code com.sun.crypto.provider} to zt4j; see {@link #available()}.
     */
    JDK_GHASH,
    /** JDK AES-GCM through the public API (intrinsics); about 0.9 KB + 2× the message of garbage. */
    JDK_GCM,
    /** {@link Ghash} tables in Java, CTR over AES/ECB; no garbage, slower, 64 KiB per instance. */
    JAVA_GHASH;

    /** Whether this engine can be used in this JVM (only {@link #JDK_GHASH} may not). */
    public boolean available() {
      return this != JDK_GHASH || JdkGhash.AVAILABLE;
    }

    /** {@link #JDK_GHASH} when {@link #available() available}, else {@link #JDK_GCM}. */
    public static GmacEngine preferred() {
      return JdkGhash.AVAILABLE ? JDK_GHASH : JDK_GCM;
    }
  }

  private static final VarHandle BE64 =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle BE32 =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
  /** CTR keystream is produced this many bytes per ECB call. */
  private static final int CHUNK = 4096;
  /**
   * Messages up to this many bytes run CTR over the keyed ECB cipher (no per-message {@code
   * Cipher.init}) and, with {@link GmacEngine#JDK_GCM}, hand the GCM one contiguous AAD; longer
   * ones use the JDK's AES/CTR (the measured crossover, docs/BENCHMARKS.md).
   */
  static final int SMALL = 256;

  private final GmacEngine engine;
  private final Cipher ecbEncrypt;
  private final Cipher ecbDecrypt;
  private final SecretKeySpec k1;
  private final byte[] block = new byte[16];
  private final byte[] counters = new byte[CHUNK];
  private final byte[] keystream = new byte[CHUNK];
  /** The padded AAD, followed (JDK_GCM, small messages) by the data, or a zero-padded last block. */
  private final byte[] stream = new byte[MAX_AAD_LENGTH + SMALL];
  private long lastIv;

  // JAVA_GHASH and JDK_GHASH: GHASH in this class, then ⊕ AES(K0, J0) through a keyed ECB cipher
  private final Ghash ghash;
  private final JdkGhash jdkGhash;
  private final Cipher ecbK0;
  private final byte[] j0 = new byte[16];
  private final byte[] ej0 = new byte[16];

  // JDK_GCM (GCM) and both JDK engines (CTR)
  private final SecretKeySpec k0;
  private final Cipher gcm;
  private final Cipher jdkCtr;
  private final byte[] nonce = new byte[12];
  private final byte[] gmacOut = new byte[16];
  private long lastNonce;
  private boolean gcmUsed;

  /**
   * With {@link GmacEngine#preferred()}.
   *
   * @param k0 32-byte GMAC key
   * @param k1 32-byte AES-ECB/CTR key
   */
  public AesGmacSiv(byte[] k0, byte[] k1) {
    this(k0, k1, GmacEngine.preferred());
  }

  /**
   * @param k0 32-byte GMAC key
   * @param k1 32-byte AES-ECB/CTR key
   * @param engine how the GMAC is computed
   * @throws IllegalStateException if {@code engine} is not {@link GmacEngine#available()}
   */
  public AesGmacSiv(byte[] k0, byte[] k1, GmacEngine engine) {
    if (k0.length != 32 || k1.length != 32) {
      throw new IllegalArgumentException("AES-GMAC-SIV keys must be 32 bytes");
    }
    this.engine = Objects.requireNonNull(engine, "engine");
    if (!engine.available()) {
      throw new IllegalStateException(
          engine + " is not available in this JVM: " + JdkGhash.UNAVAILABLE_REASON);
    }
    SecretKeySpec key0 = new SecretKeySpec(k0, "AES");
    SecretKeySpec key1 = new SecretKeySpec(k1, "AES");
    this.k1 = key1;
    try {
      ecbEncrypt = Cipher.getInstance("AES/ECB/NoPadding");
      ecbEncrypt.init(Cipher.ENCRYPT_MODE, key1);
      ecbDecrypt = Cipher.getInstance("AES/ECB/NoPadding");
      ecbDecrypt.init(Cipher.DECRYPT_MODE, key1);
      jdkCtr = engine == GmacEngine.JAVA_GHASH ? null : Cipher.getInstance("AES/CTR/NoPadding");
      if (engine == GmacEngine.JDK_GCM) {
        this.k0 = key0;
        gcm = Cipher.getInstance("AES/GCM/NoPadding");
        ecbK0 = null;
        ghash = null;
        jdkGhash = null;
      } else {
        this.k0 = null;
        gcm = null;
        ecbK0 = Cipher.getInstance("AES/ECB/NoPadding");
        ecbK0.init(Cipher.ENCRYPT_MODE, key0);
        byte[] h = new byte[16];
        ecbK0.update(new byte[16], 0, 16, h, 0);
        ghash = engine == GmacEngine.JAVA_GHASH ? new Ghash(h, 0) : null;
        jdkGhash = engine == GmacEngine.JDK_GHASH ? new JdkGhash(h, 0) : null;
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("JDK AES unavailable", e);
    }
  }

  /** The engine this instance computes the GMAC with. */
  public GmacEngine engine() {
    return engine;
  }

  /** Keyed from a {@link SymmetricKey}'s K0/K1, with {@link GmacEngine#preferred()}. */
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
    switch (engine) {
      case JDK_GHASH:
        return gmacDirect(iv, aad, aadOffset, aadLength, data, dataOffset, dataLength);
      case JDK_GCM:
        return gmacJdk(iv, aad, aadOffset, aadLength, data, dataOffset, dataLength);
      default:
        return gmacJava(iv, aad, aadOffset, aadLength, data, dataOffset, dataLength);
    }
  }

  /** GHASH by the JDK's class over pad(AAD) ‖ data ‖ zero pad ‖ length block, then ⊕ E(J0). */
  private long gmacDirect(
      long iv, byte[] aad, int aadOffset, int aadLength, byte[] data, int dataOffset, int dataLength) {
    JdkGhash g = jdkGhash;
    byte[] s = stream;
    g.reset();
    int padded = (aadLength + 15) & ~15;
    System.arraycopy(aad, aadOffset, s, 0, aadLength);
    for (int i = aadLength; i < padded; i++) {
      s[i] = 0;
    }
    g.update(s, 0, padded);
    int whole = dataLength & ~15;
    g.update(data, dataOffset, whole);
    int tail = dataLength - whole;
    if (tail > 0) {
      System.arraycopy(data, dataOffset + whole, s, 0, tail);
      for (int i = tail; i < 16; i++) {
        s[i] = 0;
      }
      g.update(s, 0, 16);
    }
    BE64.set(s, 0, 8L * (padded + dataLength));
    BE64.set(s, 8, 0L);
    g.update(s, 0, 16);
    return g.high() ^ g.low() ^ foldedJ0(iv);
  }

  private long gmacJava(
      long iv, byte[] aad, int aadOffset, int aadLength, byte[] data, int dataOffset, int dataLength) {
    Ghash g = ghash;
    g.reset();
    g.update(aad, aadOffset, aadLength);
    g.update(data, dataOffset, dataLength);
    int padded = (aadLength + 15) & ~15;
    g.block(8L * (padded + dataLength), 0);
    return g.high() ^ g.low() ^ foldedJ0(iv);
  }

  /** AES(K0, J0) with GCM's pre-counter block J0 = IV ‖ 0^32 ‖ 0x00000001, folded to 64 bits. */
  private long foldedJ0(long iv) {
    BE64.set(j0, 0, iv);
    BE64.set(j0, 8, 1L);
    aes(ecbK0, j0, 0, ej0, 0);
    return (long) BE64.get(ej0, 0) ^ (long) BE64.get(ej0, 8);
  }

  private long gmacJdk(
      long iv, byte[] aad, int aadOffset, int aadLength, byte[] data, int dataOffset, int dataLength) {
    int padded = (aadLength + 15) & ~15;
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
