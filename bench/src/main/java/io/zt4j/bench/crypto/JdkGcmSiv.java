package io.zt4j.bench.crypto;

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
 * Benchmark reference only: AES-GMAC-SIV (same bytes as {@code io.zt4j.node.crypto.AesGmacSiv})
 * built entirely on JDK ciphers, as node.crypto did until 2026-11-26: the GMAC is the tag of a JDK
 * AES-GCM encryption with the stream as AAD ({@code Cipher.init} per message, plus a dummy init
 * for a repeated nonce), CTR is JDK AES/CTR re-initialised per message. Kept so the benchmarks
 * can compare the allocation-free implementation with it in the same run.
 */
public final class JdkGcmSiv {
  /** Tag length in bytes. */
  public static final int TAG_LENGTH = 16;
  /** Largest AAD this implementation accepts (ZeroTier uses 11 bytes). */
  public static final int MAX_AAD_LENGTH = 64;

  private static final VarHandle BE64 =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  private final SecretKeySpec k0;
  private final SecretKeySpec k1;
  private final Cipher gcm;
  private final Cipher ctr;
  private final Cipher ecbEncrypt;
  private final Cipher ecbDecrypt;

  private final byte[] nonce = new byte[12];
  private final byte[] aadPadded = new byte[MAX_AAD_LENGTH];
  private final byte[] gmac = new byte[16];
  private final byte[] block = new byte[16];
  private final byte[] ctrIv = new byte[16];
  private byte[] ctrOut = new byte[2048];
  private long lastNonce;
  private boolean gcmUsed;

  /**
   * @param k0 32-byte GMAC key
   * @param k1 32-byte AES-ECB/CTR key
   */
  public JdkGcmSiv(byte[] k0, byte[] k1) {
    if (k0.length != 32 || k1.length != 32) {
      throw new IllegalArgumentException("AES-GMAC-SIV keys must be 32 bytes");
    }
    this.k0 = new SecretKeySpec(k0, "AES");
    this.k1 = new SecretKeySpec(k1, "AES");
    try {
      gcm = Cipher.getInstance("AES/GCM/NoPadding");
      ctr = Cipher.getInstance("AES/CTR/NoPadding");
      ecbEncrypt = Cipher.getInstance("AES/ECB/NoPadding");
      ecbEncrypt.init(Cipher.ENCRYPT_MODE, this.k1);
      ecbDecrypt = Cipher.getInstance("AES/ECB/NoPadding");
      ecbDecrypt.init(Cipher.DECRYPT_MODE, this.k1);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("JDK AES unavailable", e);
    }
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
    gmac(iv, aad, aadOffset, aadLength, data, dataOffset, dataLength);
    BE64.set(block, 0, iv);
    BE64.set(block, 8, (long) BE64.get(gmac, 0) ^ (long) BE64.get(gmac, 8));
    try {
      ecbEncrypt.update(block, 0, 16, tag, tagOffset);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
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
    try {
      ecbDecrypt.update(tag, tagOffset, 16, block, 0);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    long iv = (long) BE64.get(block, 0);
    long mac = (long) BE64.get(block, 8);
    ctr(tag, tagOffset, data, dataOffset, dataLength);
    gmac(iv, aad, aadOffset, aadLength, data, dataOffset, dataLength);
    long computed = (long) BE64.get(gmac, 0) ^ (long) BE64.get(gmac, 8);
    lastIv = iv;
    return (computed ^ mac) == 0;
  }

  private long lastIv;

  /** The 64-bit IV recovered by the last {@link #decrypt} (whether or not it authenticated). */
  public long lastDecryptedIv() {
    return lastIv;
  }

  private void ctr(byte[] tag, int tagOffset, byte[] data, int dataOffset, int dataLength) {
    System.arraycopy(tag, tagOffset, ctrIv, 0, 16);
    ctrIv[12] &= 0x7f;
    try {
      ctr.init(Cipher.ENCRYPT_MODE, k1, new IvParameterSpec(ctrIv));
      if (dataLength > 0) {
        // the JDK copies its input when a cipher works in place; a reused scratch array is cheaper
        if (ctrOut.length < dataLength) {
          ctrOut = new byte[Math.max(dataLength, 2 * ctrOut.length)];
        }
        ctr.doFinal(data, dataOffset, dataLength, ctrOut, 0);
        System.arraycopy(ctrOut, 0, data, dataOffset, dataLength);
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private void gmac(
      long iv, byte[] aad, int aadOffset, int aadLength, byte[] data, int dataOffset, int dataLength) {
    if (aadLength < 0 || aadLength > MAX_AAD_LENGTH) {
      throw new IllegalArgumentException("AAD length " + aadLength);
    }
    Objects.checkFromIndexSize(aadOffset, aadLength, aad.length);
    int padded = (aadLength + 15) & ~15;
    System.arraycopy(aad, aadOffset, aadPadded, 0, aadLength);
    for (int i = aadLength; i < padded; i++) {
      aadPadded[i] = 0;
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
      if (padded > 0) {
        gcm.updateAAD(aadPadded, 0, padded);
      }
      if (dataLength > 0) {
        gcm.updateAAD(data, dataOffset, dataLength);
      }
      gcm.doFinal(gmac, 0);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
