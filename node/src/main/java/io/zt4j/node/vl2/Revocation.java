package io.zt4j.node.vl2;

import io.zt4j.node.crypto.C25519;
import io.zt4j.node.identity.Identity;
import io.zt4j.node.wire.DropReason;
import io.zt4j.node.wire.Parsed;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.LongFunction;

/**
 * A revocation: the controller's signed statement that credentials of one type held by
 * {@code target} and timestamped before {@code threshold} are no longer valid (for COMs: the
 * member was deauthorized). Members honour it when it arrives in NETWORK_CREDENTIALS.
 *
 * <pre>
 *  serialized form (Revocation::serialize), big-endian
 *  +---------+--------+-------------+---------+-------------------+---------------+
 *  | 0 (u32) | id u32 | network u64 | 0 (u32) | credential id u32 | threshold i64 |
 *  +---------+--------+-------------+---------+-------------------+---------------+
 *  | flags u64 | target (5) | signedBy (5) | credential type u8 |
 *  +-------------------------------------------------------------+
 *  | 0x01 | 0x0060 | signature (96) | extension length u16 = 0 |
 *  +-----------------------------------------------------------+
 *  signed message: 7f x 8 | 0 .. credential type | 0x0000 | 7f x 8
 *  flags: bit 0 = fast propagate (recipients pass it on to the network's members)
 * </pre>
 *
 * Immutable and thread-safe.
 */
public final class Revocation {

  /** Flag: recipients forward the revocation to other members they know. */
  public static final long FLAG_FAST_PROPAGATE = 0x1L;

  /** Length of the serialized form ZeroTier writes. */
  public static final int SERIALIZED_LENGTH = 4 + 4 + 8 + 4 + 4 + 8 + 8 + 5 + 5 + 1 + 1 + 2
      + C25519.SIGNATURE_LENGTH + 2;

  private final long id;
  private final long networkId;
  private final long credentialId;
  private final long threshold;
  private final long flags;
  private final long target;
  private final long signedBy;
  private final int credentialType;
  private final byte[] signature;

  private Revocation(long id, long networkId, long credentialId, long threshold, long flags, long target,
      long signedBy, int credentialType, byte[] signature) {
    this.id = id;
    this.networkId = networkId;
    this.credentialId = credentialId;
    this.threshold = threshold;
    this.flags = flags;
    this.target = target;
    this.signedBy = signedBy;
    this.credentialType = credentialType;
    this.signature = signature;
  }

  /**
   * An unsigned revocation.
   *
   * @param id arbitrary id (ZeroTier's controller uses a random one)
   * @param credentialId id of the revoked credential, 0 for all (and for COMs, which have no id)
   * @param threshold credentials timestamped before this are revoked
   */
  public static Revocation of(long id, long networkId, long credentialId, long threshold, long flags,
      long target, CredentialType type) {
    Tag.requireU32(id, "revocation id");
    Tag.requireU32(credentialId, "credential id");
    return new Revocation(id, networkId, credentialId, threshold, flags, target & 0xFF_FFFF_FFFFL, 0,
        type.code(), new byte[C25519.SIGNATURE_LENGTH]);
  }

  public long id() {
    return id;
  }

  public long networkId() {
    return networkId;
  }

  public long credentialId() {
    return credentialId;
  }

  public long threshold() {
    return threshold;
  }

  public long flags() {
    return flags;
  }

  public boolean fastPropagate() {
    return (flags & FLAG_FAST_PROPAGATE) != 0;
  }

  public long target() {
    return target;
  }

  public long signedBy() {
    return signedBy;
  }

  /** The revoked credential type's code (any byte on the wire). */
  public int credentialTypeCode() {
    return credentialType;
  }

  /** The revoked credential type, or {@code null} for an unassigned code. */
  public CredentialType credentialType() {
    return CredentialType.ofCode(credentialType);
  }

  public byte[] signature() {
    return signature.clone();
  }

  // ---------------------------------------------------------------------------------------------

  /** Parses one revocation from {@code buf[off, off+len)}; the result's length is the bytes used. */
  public static Parsed<Revocation> parse(byte[] buf, int off, int len) {
    if (off < 0 || len < 0 || off > buf.length - len) {
      return Parsed.dropped(DropReason.MALFORMED, "Revocation: range outside the buffer");
    }
    WireReader r = new WireReader(buf, off, len);
    try {
      Revocation v = read(r);
      return Parsed.ok(v, r.consumed());
    } catch (WireReader.Refused e) {
      return e.toParsed("Revocation");
    }
  }

  static Revocation read(WireReader r) {
    r.skip(4, "unused");
    long id = r.u32("id");
    long nwid = r.u64("network id");
    r.skip(4, "unused");
    long credentialId = r.u32("credential id");
    long threshold = r.u64("threshold");
    long flags = r.u64("flags");
    long target = r.address("target");
    long signedBy = r.address("signed by");
    int type = r.u8("credential type");
    byte[] sig = CredentialWire.readSignature(r);
    CredentialWire.skipExtensions(r);
    return new Revocation(id, nwid, credentialId, threshold, flags, target, signedBy, type, sig);
  }

  void write(WireWriter w, boolean forSign) {
    if (forSign) {
      w.u64(CredentialWire.SIGN_MARKER);
    }
    w.u32(0).u32(id).u64(networkId).u32(0).u32(credentialId).u64(threshold).u64(flags).address(target)
        .address(signedBy).u8(credentialType);
    if (!forSign) {
      CredentialWire.writeSignature(w, signature);
    }
    w.u16(0);
    if (forSign) {
      w.u64(CredentialWire.SIGN_MARKER);
    }
  }

  public byte[] serialize() {
    WireWriter w = new WireWriter(SERIALIZED_LENGTH);
    write(w, false);
    return w.toByteArray();
  }

  public byte[] signedMessage() {
    WireWriter w = new WireWriter(80);
    write(w, true);
    return w.toByteArray();
  }

  /** This revocation signed by {@code signer} (which must hold its private key). */
  public Revocation sign(Identity signer) {
    CredentialWire.requirePrivate(signer);
    Revocation withSigner = new Revocation(id, networkId, credentialId, threshold, flags, target,
        signer.address().toLong(), credentialType, signature);
    return new Revocation(id, networkId, credentialId, threshold, flags, target, withSigner.signedBy,
        credentialType, signer.sign(withSigner.signedMessage()));
  }

  /** ZeroTier's check: signed by the controller of the network, with a valid signature. */
  public Verification verify(LongFunction<Identity> identities) {
    return CredentialWire.verifyByController(signedBy, networkId, signedMessage(), signature, identities);
  }
  /** {@link #verify(LongFunction)} with the controller's identity at hand: true only if valid. */
  public boolean verify(Identity controller) {
    return verify(CredentialWire.only(controller)).isOk();
  }


  @Override
  public boolean equals(Object o) {
    return o instanceof Revocation v && v.id == id && v.networkId == networkId && v.credentialId == credentialId
        && v.threshold == threshold && v.flags == flags && v.target == target && v.signedBy == signedBy
        && v.credentialType == credentialType && Arrays.equals(v.signature, signature);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, networkId, credentialId, threshold, flags, target, signedBy, credentialType);
  }

  @Override
  public String toString() {
    return "Revocation[id=" + id + " nwid=" + Long.toHexString(networkId) + " target="
        + String.format("%010x", target) + " type=" + credentialType + " cred=" + credentialId
        + " threshold=" + threshold + " flags=" + flags + "]";
  }
}
