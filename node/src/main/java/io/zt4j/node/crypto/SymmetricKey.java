package io.zt4j.node.crypto;

import java.util.Arrays;
import java.util.Objects;

/**
 * The long-lived symmetric key two ZeroTier nodes share, and the keys derived from it.
 *
 * <p>It is the 48-byte result of {@link C25519#agree} between the two identities. The first 32
 * bytes key Salsa20/12 for cipher suites 0 and 1 (after per-packet mangling) and HELLO's {@code
 * cryptField}; AES-GMAC-SIV (suite 3) uses K0 (GMAC) and K1 (AES-ECB/CTR), derived once here with
 * {@link Sha512#kbkdfHmacSha384} labels {@code '0'} and {@code '1'}.
 *
 * <p>Immutable and thread-safe: a peer cache holds one per peer and hands it to as many {@code
 * PacketArmor} instances (one per thread) as it needs. Accessors return copies (take them once, when a
 * cipher instance is built, not per packet).
 */
public final class SymmetricKey {
  /** Length of the agreed key (ZT_SYMMETRIC_KEY_SIZE). */
  public static final int LENGTH = 48;

  final byte[] key;
  final byte[] aesK0;
  final byte[] aesK1;

  private SymmetricKey(byte[] key) {
    this.key = key;
    this.aesK0 = Arrays.copyOf(Sha512.kbkdfHmacSha384(key, '0', 0, 0), 32);
    this.aesK1 = Arrays.copyOf(Sha512.kbkdfHmacSha384(key, '1', 0, 0), 32);
  }

  /** Wraps (a copy of) a 48-byte agreed key and derives K0/K1. */
  public static SymmetricKey of(byte[] key48) {
    Objects.requireNonNull(key48, "key48");
    if (key48.length != LENGTH) {
      throw new IllegalArgumentException("symmetric key must be 48 bytes, got " + key48.length);
    }
    return new SymmetricKey(key48.clone());
  }

  /** The 48-byte agreed key (copy). */
  public byte[] key() {
    return key.clone();
  }

  /** The 32-byte Salsa20 key: the first 32 bytes of the agreed key (copy). */
  public byte[] salsaKey() {
    return Arrays.copyOf(key, 32);
  }

  /** AES-GMAC-SIV K0, the GMAC key (copy). */
  public byte[] aesK0() {
    return aesK0.clone();
  }

  /** AES-GMAC-SIV K1, the AES-ECB/CTR key (copy). */
  public byte[] aesK1() {
    return aesK1.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SymmetricKey && java.security.MessageDigest.isEqual(key, ((SymmetricKey) o).key);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(key);
  }

  @Override
  public String toString() {
    return "SymmetricKey[48 bytes]";
  }
}
