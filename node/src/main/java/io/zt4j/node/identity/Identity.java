package io.zt4j.node.identity;

import io.zt4j.node.crypto.C25519;
import io.zt4j.node.crypto.SymmetricKey;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongPredicate;
import java.util.random.RandomGenerator;

/**
 * A ZeroTier type-0 identity: a 40-bit {@link Address} bound by hashcash to a 64-byte C25519 public
 * key (X25519 ‖ Ed25519), and optionally the 64-byte private key.
 *
 * <p>Forms:
 *
 * <ul>
 *   <li>string: {@code address:0:public-hex[:private-hex]} (ZeroTier One {@code Identity::toString},
 *       {@code identity.public} / {@code identity.secret} file contents);
 *   <li>binary: {@code address(5) | type 0x00 | public(64) | private length (0x00 or 0x40) |
 *       private(64)?} ({@code Identity::serialize}, inside HELLO, OK(WHOIS), peer caches).
 * </ul>
 *
 * <p>Parsing checks only syntax; {@link #locallyValidate()} does the expensive hashcash check
 * (about 20 ms), and a peer cache should call it once per new identity.
 *
 * <p>Immutable and thread-safe. Private key bytes never leave except through {@link
 * #toString(boolean)}, {@link #serialize(boolean)} and {@link #privateKey()}.
 */
public final class Identity {
  /** Binary length without private key: 5 + 1 + 64 + 1. */
  public static final int SERIALIZED_PUBLIC_LENGTH = 71;
  /** Binary length with private key: 71 + 64. */
  public static final int SERIALIZED_SECRET_LENGTH = 135;

  private static final HexFormat HEX = HexFormat.of();

  private final Address address;
  private final byte[] publicKey;
  private final byte[] privateKey; // null for a public identity

  private Identity(Address address, byte[] publicKey, byte[] privateKey) {
    this.address = address;
    this.publicKey = publicKey;
    this.privateKey = privateKey;
  }

  /** Builds an identity from its parts (copies the arrays). Syntax only; not validated. */
  public static Identity of(Address address, byte[] publicKey, byte[] privateKey) {
    Objects.requireNonNull(address, "address");
    if (publicKey == null || publicKey.length != C25519.PUBLIC_KEY_LENGTH) {
      throw new IllegalArgumentException("public key must be 64 bytes");
    }
    if (privateKey != null && privateKey.length != C25519.PRIVATE_KEY_LENGTH) {
      throw new IllegalArgumentException("private key must be 64 bytes");
    }
    return new Identity(address, publicKey.clone(), privateKey == null ? null : privateKey.clone());
  }

  // ---------------------------------------------------------------------------- generation

  /** Generates a new identity without progress reporting or cancellation; see {@link #generate(RandomGenerator, LongPredicate)}. */
  public static Identity generate(RandomGenerator random) {
    return generate(random, attempts -> true).orElseThrow();
  }

  /**
   * Generates a new identity with ZeroTier's hashcash search (about 15 attempts of ~20 ms on
   * average, with a long tail).
   *
   * <p>The 64 private key bytes come from {@code random}; the search then steps the X25519 half
   * deterministically (as ZeroTier One does: +1 on bytes 8..15, −1 on bytes 16..23, as
   * little-endian 64-bit words) until the memory-hard hash starts with a byte below 17 and its
   * last five bytes are not a reserved address. A seeded {@code random} therefore gives a
   * reproducible identity.
   *
   * @param random the entropy source; the caller chooses it (a {@link java.security.SecureRandom}
   *     for real identities). The node never creates one itself.
   * @param keepGoing called with the number of attempts made so far before each further attempt;
   *     return false to cancel (for progress display and Ctrl-C at the CLI)
   * @return the identity, or empty if cancelled
   */
  public static Optional<Identity> generate(RandomGenerator random, LongPredicate keepGoing) {
    Objects.requireNonNull(random, "random");
    Objects.requireNonNull(keepGoing, "keepGoing");
    byte[] priv = new byte[C25519.PRIVATE_KEY_LENGTH];
    random.nextBytes(priv);
    byte[] pub = new byte[C25519.PUBLIC_KEY_LENGTH];
    System.arraycopy(C25519.ed25519PublicKey(priv, 32), 0, pub, 32, 32);
    MemoryHardHash mhh = new MemoryHardHash();
    byte[] digest = new byte[64];
    long attempts = 0;
    while (true) {
      if (!keepGoing.test(attempts)) {
        Arrays.fill(priv, (byte) 0);
        return Optional.empty();
      }
      addLittleEndian64(priv, 8, 1);
      addLittleEndian64(priv, 16, -1);
      System.arraycopy(C25519.x25519PublicKey(priv, 0), 0, pub, 0, 32);
      mhh.compute(pub, 0, 64, digest);
      attempts++;
      if ((digest[0] & 0xff) < MemoryHardHash.FIRST_BYTE_LESS_THAN) {
        long addr = Address.toLong(digest, 59);
        if (!Address.isReserved(addr)) {
          return Optional.of(new Identity(Address.of(addr), pub, priv));
        }
      }
    }
  }

  private static void addLittleEndian64(byte[] b, int off, long delta) {
    long v = 0;
    for (int i = 7; i >= 0; i--) {
      v = (v << 8) | (b[off + i] & 0xffL);
    }
    v += delta;
    for (int i = 0; i < 8; i++) {
      b[off + i] = (byte) (v >>> (i << 3));
    }
  }

  // ---------------------------------------------------------------------------- validation

  /**
   * ZeroTier's local validation: the address is not reserved, and the memory-hard hash of the
   * public key starts with a byte below 17 and ends with the address. Does not look at the
   * private key (as {@code zerotier-idtool validate}). Costs one memory-hard hash (2 MiB).
   */
  public boolean locallyValidate() {
    return locallyValidate(new MemoryHardHash());
  }

  /** As {@link #locallyValidate()}, reusing a caller-owned (per-thread) hash instance. */
  public boolean locallyValidate(MemoryHardHash hash) {
    if (address.isReserved()) {
      return false;
    }
    byte[] digest = new byte[64];
    hash.compute(publicKey, 0, publicKey.length, digest);
    return (digest[0] & 0xff) < MemoryHardHash.FIRST_BYTE_LESS_THAN
        && Address.toLong(digest, 59) == address.toLong();
  }

  /** True if the private key's public halves are the public key (an extra check for secrets). */
  public boolean privateKeyMatches() {
    return privateKey != null && MessageDigest.isEqual(C25519.publicKeyOf(privateKey), publicKey);
  }

  // ---------------------------------------------------------------------------- string form

  /**
   * Parses {@code address:0:public[:private]} (hex in either case). Empty for anything that is not
   * exactly that shape: wrong field count, type other than 0, wrong key lengths, non-hex digits,
   * or a reserved address. Does not validate the hashcash.
   */
  public static Optional<Identity> fromString(String s) {
    if (s == null) {
      return Optional.empty();
    }
    String[] f = s.trim().split(":", -1);
    if (f.length != 3 && f.length != 4) {
      return Optional.empty();
    }
    Optional<Address> addr = Address.parse(f[0]);
    if (addr.isEmpty() || addr.get().isReserved() || !f[1].equals("0")) {
      return Optional.empty();
    }
    byte[] pub = unhex(f[2], C25519.PUBLIC_KEY_LENGTH);
    if (pub == null) {
      return Optional.empty();
    }
    byte[] priv = null;
    if (f.length == 4) {
      priv = unhex(f[3], C25519.PRIVATE_KEY_LENGTH);
      if (priv == null) {
        return Optional.empty();
      }
    }
    return Optional.of(new Identity(addr.get(), pub, priv));
  }

  private static byte[] unhex(String s, int length) {
    if (s.length() != length * 2) {
      return null;
    }
    byte[] out = new byte[length];
    for (int i = 0; i < length; i++) {
      int hi = Character.digit(s.charAt(2 * i), 16);
      int lo = Character.digit(s.charAt(2 * i + 1), 16);
      if (hi < 0 || lo < 0) {
        return null;
      }
      out[i] = (byte) ((hi << 4) | lo);
    }
    return out;
  }

  /** {@code address:0:public} (the {@code identity.public} form). */
  @Override
  public String toString() {
    return toString(false);
  }

  /** {@code address:0:public[:private]}; the private part only if asked for and present. */
  public String toString(boolean includePrivate) {
    StringBuilder sb = new StringBuilder(270);
    sb.append(address).append(":0:").append(HEX.formatHex(publicKey));
    if (includePrivate && privateKey != null) {
      sb.append(':').append(HEX.formatHex(privateKey));
    }
    return sb.toString();
  }

  // ---------------------------------------------------------------------------- binary form

  /** {@code Identity::serialize}: 71 bytes, or 135 with the private key if asked and present. */
  public byte[] serialize(boolean includePrivate) {
    boolean priv = includePrivate && privateKey != null;
    byte[] b = new byte[priv ? SERIALIZED_SECRET_LENGTH : SERIALIZED_PUBLIC_LENGTH];
    writeTo(b, 0, priv);
    return b;
  }

  /**
   * Writes the binary form at {@code offset}; returns the number of bytes written (71 or 135).
   */
  public int writeTo(byte[] b, int offset, boolean includePrivate) {
    boolean priv = includePrivate && privateKey != null;
    Objects.checkFromIndexSize(
        offset, priv ? SERIALIZED_SECRET_LENGTH : SERIALIZED_PUBLIC_LENGTH, b.length);
    address.writeTo(b, offset);
    b[offset + 5] = 0;
    System.arraycopy(publicKey, 0, b, offset + 6, 64);
    if (priv) {
      b[offset + 70] = (byte) C25519.PRIVATE_KEY_LENGTH;
      System.arraycopy(privateKey, 0, b, offset + 71, 64);
      return SERIALIZED_SECRET_LENGTH;
    }
    b[offset + 70] = 0;
    return SERIALIZED_PUBLIC_LENGTH;
  }

  /** A parsed binary identity and the number of bytes it occupied. */
  public record Decoded(Identity identity, int length) {}

  /**
   * Reads a binary identity from untrusted bytes {@code b[offset, offset+available)}. Empty if
   * truncated, of a type other than 0, with a private-key length other than 0 or 64, or with a
   * reserved address. Never throws for bad bytes. Does not validate the hashcash.
   */
  public static Optional<Decoded> deserialize(byte[] b, int offset, int available) {
    if (b == null
        || offset < 0
        || available < SERIALIZED_PUBLIC_LENGTH
        || offset > b.length - available) {
      return Optional.empty();
    }
    long addr = Address.toLong(b, offset);
    if (Address.isReserved(addr) || b[offset + 5] != 0) {
      return Optional.empty();
    }
    byte[] pub = Arrays.copyOfRange(b, offset + 6, offset + 70);
    int privLen = b[offset + 70] & 0xff;
    if (privLen == 0) {
      return Optional.of(
          new Decoded(new Identity(Address.of(addr), pub, null), SERIALIZED_PUBLIC_LENGTH));
    }
    if (privLen != C25519.PRIVATE_KEY_LENGTH || available < SERIALIZED_SECRET_LENGTH) {
      return Optional.empty();
    }
    byte[] priv = Arrays.copyOfRange(b, offset + 71, offset + 135);
    return Optional.of(
        new Decoded(new Identity(Address.of(addr), pub, priv), SERIALIZED_SECRET_LENGTH));
  }

  // ---------------------------------------------------------------------------- crypto

  /** Signs {@code msg[offset, +length)} with this identity's private key (96-byte signature). */
  public byte[] sign(byte[] msg, int offset, int length) {
    if (privateKey == null) {
      throw new IllegalStateException("identity " + address + " has no private key");
    }
    return C25519.sign(privateKey, msg, offset, length);
  }

  /** Signs all of {@code msg}. */
  public byte[] sign(byte[] msg) {
    return sign(msg, 0, msg.length);
  }

  /** Verifies a 96-byte signature of {@code msg[offset, +length)}; false for any bad input. */
  public boolean verify(byte[] msg, int offset, int length, byte[] sig, int sigOffset, int sigLength) {
    return C25519.verify(publicKey, msg, offset, length, sig, sigOffset, sigLength);
  }

  /** Verifies a signature of all of {@code msg}. */
  public boolean verify(byte[] msg, byte[] sig) {
    return sig != null && verify(msg, 0, msg.length, sig, 0, sig.length);
  }

  /**
   * The symmetric key shared with {@code peer}: SHA-512(X25519(my private, their public))[0:48],
   * with its AES-GMAC-SIV keys derived. Costs one X25519 and three hashes (~0.1–0.3 ms): a peer
   * cache computes it once per peer and keeps the {@link SymmetricKey} (immutable, thread-safe).
   *
   * @return empty if the peer's X25519 key is of small order
   * @throws IllegalStateException if this identity has no private key
   */
  public Optional<SymmetricKey> agree(Identity peer) {
    if (privateKey == null) {
      throw new IllegalStateException("identity " + address + " has no private key");
    }
    return C25519.agree(privateKey, peer.publicKey, SymmetricKey.LENGTH).map(k -> {
      SymmetricKey key = SymmetricKey.of(k);
      Arrays.fill(k, (byte) 0);
      return key;
    });
  }

  // ---------------------------------------------------------------------------- accessors

  public Address address() {
    return address;
  }

  /** The 64-byte public key (copy). */
  public byte[] publicKey() {
    return publicKey.clone();
  }

  /** The 64-byte private key (copy), if present. */
  public Optional<byte[]> privateKey() {
    return privateKey == null ? Optional.empty() : Optional.of(privateKey.clone());
  }

  public boolean hasPrivateKey() {
    return privateKey != null;
  }

  /** This identity without its private key. */
  public Identity withoutPrivateKey() {
    return privateKey == null ? this : new Identity(address, publicKey, null);
  }

  /** Equal if address and public key are equal (the private key does not take part, as in ZeroTier). */
  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Identity)) {
      return false;
    }
    Identity other = (Identity) o;
    return address.equals(other.address) && Arrays.equals(publicKey, other.publicKey);
  }

  @Override
  public int hashCode() {
    return address.hashCode() * 31 + Arrays.hashCode(publicKey);
  }
}
