package io.zt4j.node.crypto;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * SHA-512 (FIPS 180-4) and HMAC-SHA-384 (RFC 2104) from the JDK, in the shapes ZeroTier uses.
 *
 * <p>Static and thread-safe; each call uses its own JDK engine (these are not hot-path
 * operations: identities, signatures and key derivation).
 */
public final class Sha512 {
  /** SHA-512 digest length in bytes. */
  public static final int DIGEST_LENGTH = 64;
  /** SHA-384 / HMAC-SHA-384 output length in bytes. */
  public static final int SHA384_LENGTH = 48;

  private Sha512() {}

  /** SHA-512 of {@code data[offset, offset+length)}. */
  public static byte[] digest(byte[] data, int offset, int length) {
    MessageDigest md = newSha512();
    md.update(data, offset, length);
    return md.digest();
  }

  /** SHA-512 of all of {@code data}. */
  public static byte[] digest(byte[] data) {
    return digest(data, 0, data.length);
  }

  /** A fresh JDK SHA-512 engine (for callers that hash repeatedly on one thread). */
  public static MessageDigest newSha512() {
    try {
      return MessageDigest.getInstance("SHA-512");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("JDK without SHA-512", e);
    }
  }

  /** HMAC-SHA-384 of {@code msg} under {@code key}. */
  public static byte[] hmacSha384(byte[] key, byte[] msg) {
    try {
      javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA384");
      mac.init(new javax.crypto.spec.SecretKeySpec(key, "HmacSHA384"));
      return mac.doFinal(msg);
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("JDK without HmacSHA384", e);
    }
  }

  /**
   * ZeroTier's KBKDF in counter mode with HMAC-SHA-384 (NIST SP 800-108 shape), one iteration.
   *
   * <p>The PRF input is 13 bytes: {@code iter} (uint32 big-endian) ‖ {@code 'Z' 'T'} ‖ {@code
   * label} ‖ {@code 0x00} ‖ {@code context} ‖ output length in bits, 384, as uint32 big-endian.
   * ZeroTier derives AES-GMAC-SIV key K0 with label {@code '0'} and K1 with label {@code '1'},
   * context 0, iteration 0, and uses the first 32 bytes of each 48-byte output as AES-256 keys.
   *
   * @param key the 48-byte agreed key
   * @return the 48-byte derived key
   */
  public static byte[] kbkdfHmacSha384(byte[] key, char label, int context, int iter) {
    byte[] msg = new byte[13];
    msg[0] = (byte) (iter >>> 24);
    msg[1] = (byte) (iter >>> 16);
    msg[2] = (byte) (iter >>> 8);
    msg[3] = (byte) iter;
    msg[4] = 'Z';
    msg[5] = 'T';
    msg[6] = (byte) label;
    msg[7] = 0;
    msg[8] = (byte) context;
    msg[9] = 0;
    msg[10] = 0;
    msg[11] = 0x01;
    msg[12] = (byte) 0x80;
    return hmacSha384(key, msg);
  }
}
