package io.zt4j.node.crypto;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.SecureRandomSpi;
import java.security.Signature;
import java.security.interfaces.EdECPublicKey;
import java.security.spec.EdECPoint;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.EdECPublicKeySpec;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import javax.crypto.KeyAgreement;

/**
 * ZeroTier's "C25519" key pair: X25519 (RFC 7748) for key agreement and Ed25519 (RFC 8032) for
 * signatures, on the JDK's XDH and EdDSA providers.
 *
 * <p>Conventions (ZeroTier One {@code node/C25519.*}):
 *
 * <ul>
 *   <li>public key, 64 bytes = X25519 public (32) ‖ Ed25519 public (32);
 *   <li>private key, 64 bytes = X25519 scalar (32) ‖ Ed25519 seed (32);
 *   <li>agreement = SHA-512 of the raw 32-byte X25519 result; more than 64 key bytes continue with
 *       SHA-512 of the previous digest;
 *   <li>signature, 96 bytes = Ed25519 signature (R ‖ S) over {@code SHA-512(message)[0:32]},
 *       followed by those 32 digest bytes; verification also requires the copied digest to match.
 * </ul>
 *
 * <p>Static and thread-safe. Nothing here is on a per-packet path.
 */
public final class C25519 {
  public static final int PUBLIC_KEY_LENGTH = 64;
  public static final int PRIVATE_KEY_LENGTH = 64;
  public static final int SIGNATURE_LENGTH = 96;

  private static final BigInteger X25519_BASE_U = BigInteger.valueOf(9);

  private C25519() {}

  /** X25519(scalar, u) → 32-byte little-endian u; empty if the result is all zeros (small order). */
  public static Optional<byte[]> x25519(byte[] scalar32, int scalarOffset, byte[] u32, int uOffset) {
    try {
      KeyFactory kf = KeyFactory.getInstance("XDH");
      PrivateKey priv =
          kf.generatePrivate(
              new XECPrivateKeySpec(
                  NamedParameterSpec.X25519,
                  Arrays.copyOfRange(scalar32, scalarOffset, scalarOffset + 32)));
      PublicKey pub =
          kf.generatePublic(
              new XECPublicKeySpec(NamedParameterSpec.X25519, decodeU(u32, uOffset)));
      KeyAgreement ka = KeyAgreement.getInstance("XDH");
      ka.init(priv);
      ka.doPhase(pub, true);
      return Optional.of(ka.generateSecret());
    } catch (java.security.InvalidKeyException | IllegalStateException e) {
      // JDK rejects an all-zero shared secret (peer key of small order)
      return Optional.empty();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("JDK XDH unavailable", e);
    }
  }

  /** The X25519 public key of a 32-byte scalar: X25519(scalar, 9). */
  public static byte[] x25519PublicKey(byte[] scalar32, int offset) {
    byte[] base = new byte[32];
    base[0] = 9;
    return x25519(scalar32, offset, base, 0)
        .orElseThrow(() -> new IllegalStateException("X25519 base point multiplication failed"));
  }

  /** The 32-byte Ed25519 public key (RFC 8032 encoding) of a 32-byte seed. */
  public static byte[] ed25519PublicKey(byte[] seed32, int offset) {
    byte[] seed = Arrays.copyOfRange(seed32, offset, offset + 32);
    try {
      KeyPairGenerator kpg = KeyPairGenerator.getInstance("Ed25519");
      // The JDK derives an Ed25519 key pair from 32 bytes drawn from the SecureRandom it is given;
      // handing it exactly the seed is the only public JDK route from seed to public key.
      kpg.initialize(NamedParameterSpec.ED25519, new SeedInjector(seed));
      KeyPair kp = kpg.generateKeyPair();
      return encodePoint(((EdECPublicKey) kp.getPublic()).getPoint());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("JDK Ed25519 unavailable", e);
    } finally {
      Arrays.fill(seed, (byte) 0);
    }
  }

  /** The 64-byte ZeroTier public key of a 64-byte private key (X25519 scalar ‖ Ed25519 seed). */
  public static byte[] publicKeyOf(byte[] private64) {
    checkLength(private64, PRIVATE_KEY_LENGTH, "private key");
    byte[] pub = new byte[PUBLIC_KEY_LENGTH];
    System.arraycopy(x25519PublicKey(private64, 0), 0, pub, 0, 32);
    System.arraycopy(ed25519PublicKey(private64, 32), 0, pub, 32, 32);
    return pub;
  }

  /**
   * ZeroTier key agreement: {@code keyLength} bytes from SHA-512(X25519(myPrivate[0:32],
   * theirPublic[0:32])), re-hashing the digest for every further 64 bytes.
   *
   * @return empty if their X25519 key is of small order (the JDK refuses an all-zero secret)
   */
  public static Optional<byte[]> agree(byte[] myPrivate64, byte[] theirPublic64, int keyLength) {
    checkLength(myPrivate64, PRIVATE_KEY_LENGTH, "private key");
    checkLength(theirPublic64, PUBLIC_KEY_LENGTH, "public key");
    Optional<byte[]> raw = x25519(myPrivate64, 0, theirPublic64, 0);
    if (raw.isEmpty()) {
      return Optional.empty();
    }
    MessageDigest sha = Sha512.newSha512();
    byte[] digest = sha.digest(raw.get());
    Arrays.fill(raw.get(), (byte) 0);
    byte[] out = new byte[keyLength];
    for (int i = 0, k = 0; i < keyLength; ) {
      if (k == 64) {
        k = 0;
        digest = sha.digest(digest);
      }
      out[i++] = digest[k++];
    }
    return Optional.of(out);
  }

  /** Plain Ed25519 (RFC 8032) signature of {@code msg} under a 32-byte seed: R ‖ S, 64 bytes. */
  public static byte[] ed25519Sign(byte[] seed32, byte[] msg, int offset, int length) {
    byte[] seed = Arrays.copyOf(seed32, 32);
    try {
      PrivateKey priv =
          KeyFactory.getInstance("Ed25519")
              .generatePrivate(new EdECPrivateKeySpec(NamedParameterSpec.ED25519, seed));
      Signature s = Signature.getInstance("Ed25519");
      s.initSign(priv);
      s.update(msg, offset, length);
      return s.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("JDK Ed25519 unavailable", e);
    } finally {
      Arrays.fill(seed, (byte) 0);
    }
  }

  /** Plain Ed25519 (RFC 8032) verification; false (never an exception) for malformed input. */
  public static boolean ed25519Verify(
      byte[] public32, int publicOffset, byte[] msg, int offset, int length, byte[] sig, int sigOffset) {
    if (public32 == null || publicOffset < 0 || publicOffset > public32.length - 32
        || sig == null || sigOffset < 0 || sigOffset > sig.length - 64) {
      return false;
    }
    try {
      PublicKey pub =
          KeyFactory.getInstance("Ed25519")
              .generatePublic(
                  new EdECPublicKeySpec(NamedParameterSpec.ED25519, decodePoint(public32, publicOffset)));
      Signature s = Signature.getInstance("Ed25519");
      s.initVerify(pub);
      s.update(msg, offset, length);
      return s.verify(sig, sigOffset, 64);
    } catch (java.security.InvalidKeyException
        | java.security.SignatureException
        | java.security.spec.InvalidKeySpecException
        | IllegalArgumentException e) {
      return false;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("JDK Ed25519 unavailable", e);
    }
  }

  /** Signs {@code msg[offset, offset+length)}: Ed25519(SHA-512(msg)[0:32]) ‖ SHA-512(msg)[0:32]. */
  public static byte[] sign(byte[] myPrivate64, byte[] msg, int offset, int length) {
    checkLength(myPrivate64, PRIVATE_KEY_LENGTH, "private key");
    byte[] digest = Sha512.digest(msg, offset, length);
    byte[] seed = Arrays.copyOfRange(myPrivate64, 32, 64);
    try {
      byte[] rs = ed25519Sign(seed, digest, 0, 32);
      byte[] sig = new byte[SIGNATURE_LENGTH];
      System.arraycopy(rs, 0, sig, 0, 64);
      System.arraycopy(digest, 0, sig, 64, 32);
      return sig;
    } finally {
      Arrays.fill(seed, (byte) 0);
    }
  }

  /**
   * Verifies a 96-byte ZeroTier signature of {@code msg[offset, offset+length)}. Returns false (never
   * throws) for any malformed key or signature.
   */
  public static boolean verify(
      byte[] theirPublic64, byte[] msg, int offset, int length, byte[] sig, int sigOffset, int sigLength) {
    if (theirPublic64 == null
        || theirPublic64.length != PUBLIC_KEY_LENGTH
        || sig == null
        || sigLength != SIGNATURE_LENGTH
        || sigOffset < 0
        || sigOffset > sig.length - SIGNATURE_LENGTH) {
      return false;
    }
    byte[] digest = Sha512.digest(msg, offset, length);
    int diff = 0;
    for (int i = 0; i < 32; i++) {
      diff |= digest[i] ^ sig[sigOffset + 64 + i];
    }
    if (diff != 0) {
      return false;
    }
    return ed25519Verify(theirPublic64, 32, digest, 0, 32, sig, sigOffset);
  }

  private static BigInteger decodeU(byte[] b, int off) {
    byte[] be = new byte[32];
    for (int i = 0; i < 32; i++) {
      be[i] = b[off + 31 - i];
    }
    be[0] &= 0x7f; // RFC 7748 section 5: mask the most significant bit
    return new BigInteger(1, be);
  }

  private static EdECPoint decodePoint(byte[] b, int off) {
    byte[] be = new byte[32];
    for (int i = 0; i < 32; i++) {
      be[i] = b[off + 31 - i];
    }
    boolean xOdd = (be[0] & 0x80) != 0;
    be[0] &= 0x7f;
    return new EdECPoint(xOdd, new BigInteger(1, be));
  }

  private static byte[] encodePoint(EdECPoint p) {
    byte[] be = p.getY().toByteArray();
    byte[] le = new byte[32];
    for (int i = 0; i < 32 && i < be.length; i++) {
      le[i] = be[be.length - 1 - i];
    }
    if (p.isXOdd()) {
      le[31] |= (byte) 0x80;
    }
    return le;
  }

  private static void checkLength(byte[] b, int length, String what) {
    Objects.requireNonNull(b, what);
    if (b.length != length) {
      throw new IllegalArgumentException(what + " must be " + length + " bytes, got " + b.length);
    }
  }

  /** A SecureRandom that serves exactly the given bytes once; used only to feed a known seed. */
  private static final class SeedInjector extends SecureRandom {
    private static final long serialVersionUID = 1L;

    SeedInjector(byte[] seed) {
      super(new Spi(seed), null);
    }

    private static final class Spi extends SecureRandomSpi {
      private static final long serialVersionUID = 1L;
      private final byte[] seed;
      private boolean used;

      Spi(byte[] seed) {
        this.seed = seed;
      }

      @Override
      protected void engineSetSeed(byte[] s) {}

      @Override
      protected void engineNextBytes(byte[] bytes) {
        if (used || bytes.length != seed.length) {
          throw new IllegalStateException("seed injector asked for unexpected bytes");
        }
        used = true;
        System.arraycopy(seed, 0, bytes, 0, bytes.length);
      }

      @Override
      protected byte[] engineGenerateSeed(int n) {
        throw new IllegalStateException("seed injector cannot generate seeds");
      }
    }
  }
}
