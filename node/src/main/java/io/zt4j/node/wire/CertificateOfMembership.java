package io.zt4j.node.wire;

import io.zt4j.node.crypto.C25519;
import io.zt4j.node.identity.Address;
import io.zt4j.node.identity.Identity;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A certificate of membership (COM): a network controller's signed statement that a member
 * belongs to a network, as a sorted set of qualifiers (id, value, max delta). Two members may
 * talk if their COMs <em>agree</em>: every qualifier of one is present in the other within its
 * max delta (timestamps close enough, same network, and for 1.x controllers the full identity
 * hash of the other member).
 *
 * <pre>
 *  serialized form (CertificateOfMembership::serialize), integers big-endian
 *  +---------+-----------+----------------------------------------------+
 *  | 0x01    | count u16 | count x ( id u64 | value u64 | maxDelta u64 ) |  ids non-decreasing,
 *  +---------+-----------+----------------------------------------------+  count &lt;= 8
 *  | signedBy address (5) | signature (96), present only if signedBy != 0  |
 *  +-----------------------------------------------------------------------+
 *  qualifier ids: 0 timestamp (maxDelta = the network's credential time max delta),
 *                 1 network id (maxDelta 0), 2 issued-to address (maxDelta all ones),
 *                 3..6 SHA-384(address(5) | public key(64)) bytes 0..31 as four u64
 *                      (maxDelta all ones; checked exactly against the other's identity)
 *  signed message: the qualifier triples alone (count x 24 bytes)
 * </pre>
 *
 * Immutable and thread-safe.
 */
public final class CertificateOfMembership {

  /** One (id, value, maxDelta) tuple; all three are unsigned 64-bit. */
  public record Qualifier(long id, long value, long maxDelta) {}

  public static final int VERSION = 1;
  /** ZeroTier's qualifier limit ({@code ZT_NETWORK_COM_MAX_QUALIFIERS}). */
  public static final int MAX_QUALIFIERS = 8;
  public static final long ID_TIMESTAMP = 0;
  public static final long ID_NETWORK_ID = 1;
  public static final long ID_ISSUED_TO = 2;
  /** First of the four qualifiers holding the issued-to identity's public key hash. */
  public static final long ID_PUBLIC_KEY_HASH_FIRST = 3;

  /** Longest serialized form: header, 8 qualifiers, signer and signature. */
  public static final int MAX_SERIALIZED_LENGTH = 3 + MAX_QUALIFIERS * 24 + Address.LENGTH + C25519.SIGNATURE_LENGTH;

  private final List<Qualifier> qualifiers;
  private final long signedBy;
  private final byte[] signature; // empty when unsigned

  private CertificateOfMembership(List<Qualifier> qualifiers, long signedBy, byte[] signature) {
    this.qualifiers = List.copyOf(qualifiers);
    this.signedBy = signedBy;
    this.signature = signature;
  }

  /**
   * An unsigned COM for {@code issuedTo} on network {@code networkId}, as a ZeroTier 1.x
   * controller issues it: timestamp, network id, issued-to address and the four identity-hash
   * qualifiers.
   */
  public static CertificateOfMembership create(long timestamp, long timestampMaxDelta, long networkId,
      Identity issuedTo) {
    List<Qualifier> q = new ArrayList<>(7);
    q.add(new Qualifier(ID_TIMESTAMP, timestamp, timestampMaxDelta));
    q.add(new Qualifier(ID_NETWORK_ID, networkId, 0));
    q.add(new Qualifier(ID_ISSUED_TO, issuedTo.address().toLong(), -1L));
    long[] h = publicKeyHash(issuedTo);
    for (int i = 0; i < 4; i++) {
      q.add(new Qualifier(ID_PUBLIC_KEY_HASH_FIRST + i, h[i], -1L));
    }
    return new CertificateOfMembership(q, 0, new byte[0]);
  }

  /** A COM with exactly these qualifiers (sorted by id, at most 8), unsigned. */
  public static CertificateOfMembership of(List<Qualifier> qualifiers) {
    if (qualifiers.size() > MAX_QUALIFIERS) {
      throw new IllegalArgumentException("more than " + MAX_QUALIFIERS + " qualifiers");
    }
    for (int i = 1; i < qualifiers.size(); i++) {
      if (Long.compareUnsigned(qualifiers.get(i).id(), qualifiers.get(i - 1).id()) < 0) {
        throw new IllegalArgumentException("qualifiers must be sorted by id");
      }
    }
    return new CertificateOfMembership(qualifiers, 0, new byte[0]);
  }

  public List<Qualifier> qualifiers() {
    return qualifiers;
  }

  /** Value of the first qualifier with {@code id}, or {@code dfl}. */
  public long qualifierValue(long id, long dfl) {
    for (Qualifier q : qualifiers) {
      if (q.id() == id) {
        return q.value();
      }
    }
    return dfl;
  }

  public long timestamp() {
    return qualifierValue(ID_TIMESTAMP, 0);
  }

  public long networkId() {
    return qualifierValue(ID_NETWORK_ID, 0);
  }

  /** The member's address (40 bits), 0 if absent. */
  public long issuedTo() {
    return qualifierValue(ID_ISSUED_TO, 0) & 0xFF_FFFF_FFFFL;
  }

  /** The signer's address (40 bits), 0 if unsigned. */
  public long signedBy() {
    return signedBy;
  }

  public boolean isSigned() {
    return signedBy != 0;
  }

  /** The 96-byte signature (empty if unsigned). */
  public byte[] signature() {
    return signature.clone();
  }

  /** The address of the controller of {@code networkId}: its top 40 bits. */
  public static long controllerFor(long networkId) {
    return networkId >>> 24;
  }

  // ---------------------------------------------------------------------------------------------
  // Parsing and writing

  /** Parses a COM from {@code buf[off, off+len)}; the result's length is the bytes used. */
  public static Parsed<CertificateOfMembership> parse(byte[] buf, int off, int len) {
    if (off < 0 || len < 0 || off + len > buf.length) {
      return Parsed.dropped(DropReason.MALFORMED, "COM: range outside the buffer");
    }
    if (len < 3) {
      return Parsed.dropped(DropReason.TRUNCATED, "COM: header needs 3 bytes, have " + len);
    }
    if ((buf[off] & 0xFF) != VERSION) {
      return Parsed.dropped(DropReason.UNKNOWN_TYPE, "COM: version " + (buf[off] & 0xFF));
    }
    int count = ((buf[off + 1] & 0xFF) << 8) | (buf[off + 2] & 0xFF);
    if (count > MAX_QUALIFIERS) {
      return Parsed.dropped(DropReason.TOO_MANY, "COM: " + count + " qualifiers, at most " + MAX_QUALIFIERS);
    }
    int p = off + 3;
    int end = off + len;
    if (end - p < count * 24 + Address.LENGTH) {
      return Parsed.dropped(DropReason.TRUNCATED, "COM: " + count + " qualifiers and signer truncated");
    }
    List<Qualifier> q = new ArrayList<>(count);
    long lastId = 0;
    for (int i = 0; i < count; i++) {
      long id = u64(buf, p);
      if (Long.compareUnsigned(id, lastId) < 0) {
        return Parsed.dropped(DropReason.NOT_SORTED, "COM: qualifier ids not sorted");
      }
      lastId = id;
      q.add(new Qualifier(id, u64(buf, p + 8), u64(buf, p + 16)));
      p += 24;
    }
    long signer = Address.toLong(buf, p);
    p += Address.LENGTH;
    byte[] sig = new byte[0];
    if (signer != 0) {
      if (end - p < C25519.SIGNATURE_LENGTH) {
        return Parsed.dropped(DropReason.TRUNCATED, "COM: signature truncated");
      }
      sig = Arrays.copyOfRange(buf, p, p + C25519.SIGNATURE_LENGTH);
      p += C25519.SIGNATURE_LENGTH;
    }
    return Parsed.ok(new CertificateOfMembership(q, signer, sig), p - off);
  }

  public int serializedLength() {
    return 3 + qualifiers.size() * 24 + Address.LENGTH + (signedBy != 0 ? C25519.SIGNATURE_LENGTH : 0);
  }

  /** Writes the serialized form at {@code off}; returns the bytes written. */
  public int writeTo(byte[] buf, int off) {
    int p = off;
    buf[p++] = VERSION;
    buf[p++] = (byte) (qualifiers.size() >>> 8);
    buf[p++] = (byte) qualifiers.size();
    p = writeQualifiers(buf, p);
    Address.write(signedBy, buf, p);
    p += Address.LENGTH;
    if (signedBy != 0) {
      System.arraycopy(signature, 0, buf, p, C25519.SIGNATURE_LENGTH);
      p += C25519.SIGNATURE_LENGTH;
    }
    return p - off;
  }

  public byte[] serialize() {
    byte[] b = new byte[serializedLength()];
    writeTo(b, 0);
    return b;
  }

  private int writeQualifiers(byte[] buf, int p) {
    for (Qualifier q : qualifiers) {
      p = putU64(buf, p, q.id());
      p = putU64(buf, p, q.value());
      p = putU64(buf, p, q.maxDelta());
    }
    return p;
  }

  /** The signed message: the qualifier triples, big-endian. */
  public byte[] signedMessage() {
    byte[] m = new byte[qualifiers.size() * 24];
    writeQualifiers(m, 0);
    return m;
  }

  // ---------------------------------------------------------------------------------------------
  // Signatures and agreement

  /** This COM signed by {@code signer} (which must hold its private key). */
  public CertificateOfMembership sign(Identity signer) {
    byte[] msg = signedMessage();
    return new CertificateOfMembership(qualifiers, signer.address().toLong(), signer.sign(msg));
  }

  /**
   * ZeroTier's check of a received COM against the identity of its claimed signer: the COM is
   * signed, the signer is the controller of the COM's network ({@link #controllerFor}),
   * {@code signer} has that address, and the signature is valid. (Fetching the signer's identity
   * — WHOIS — is the caller's job.)
   */
  public boolean verify(Identity signer) {
    if (signedBy == 0 || signedBy != controllerFor(networkId()) || signer.address().toLong() != signedBy) {
      return false;
    }
    byte[] msg = signedMessage();
    return signer.verify(msg, 0, msg.length, signature, 0, signature.length);
  }

  /**
   * ZeroTier's agreement check (CertificateOfMembership::agreesWith): false if either COM is
   * empty; every qualifier of this COM must be present in {@code other} with a value within this
   * COM's max delta; and if this COM carries identity-hash qualifiers (ids 3..6), {@code other}
   * must carry all four and they must equal the hash of {@code otherIdentity}. Qualifiers only in
   * {@code other} are ignored.
   */
  public boolean agreesWith(CertificateOfMembership other, Identity otherIdentity) {
    if (qualifiers.isEmpty() || other.qualifiers.isEmpty()) {
      return false;
    }
    Map<Long, Long> otherValues = new HashMap<>();
    for (Qualifier q : other.qualifiers) {
      otherValues.put(q.id(), q.value()); // the last of repeated ids wins, as with std::map assignment
    }
    boolean fullIdentity = false;
    for (Qualifier q : qualifiers) {
      if (q.id() >= 3 && q.id() <= 6) {
        fullIdentity = true;
      }
      Long b = otherValues.get(q.id());
      if (b == null) {
        return false;
      }
      long a = q.value();
      long diff = Long.compareUnsigned(a, b) >= 0 ? a - b : b - a;
      if (Long.compareUnsigned(diff, q.maxDelta()) > 0) {
        return false;
      }
    }
    if (fullIdentity) {
      long[] h = publicKeyHash(otherIdentity);
      for (int i = 0; i < 4; i++) {
        Long v = otherValues.get(ID_PUBLIC_KEY_HASH_FIRST + i);
        if (v == null || v != h[i]) {
          return false;
        }
      }
    }
    return true;
  }

  /** SHA-384(address(5) | public key(64)), bytes 0..31 as four big-endian u64. */
  static long[] publicKeyHash(Identity id) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-384");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("JDK lacks SHA-384", e);
    }
    sha.update(id.address().toBytes());
    sha.update(id.publicKey());
    byte[] d = sha.digest();
    long[] out = new long[4];
    for (int i = 0; i < 4; i++) {
      out[i] = u64(d, 8 * i);
    }
    return out;
  }

  private static long u64(byte[] b, int p) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (b[p + i] & 0xFFL);
    }
    return v;
  }

  private static int putU64(byte[] b, int p, long v) {
    for (int i = 0; i < 8; i++) {
      b[p + i] = (byte) (v >>> (56 - 8 * i));
    }
    return p + 8;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CertificateOfMembership c && c.signedBy == signedBy && c.qualifiers.equals(qualifiers)
        && Arrays.equals(c.signature, signature);
  }

  @Override
  public int hashCode() {
    return Objects.hash(qualifiers, signedBy) * 31 + Arrays.hashCode(signature);
  }

  @Override
  public String toString() {
    return "COM[nwid=" + Long.toHexString(networkId()) + " issuedTo=" + String.format("%010x", issuedTo())
        + " ts=" + timestamp() + " signedBy=" + String.format("%010x", signedBy) + " q=" + qualifiers.size() + "]";
  }
}
