package io.zt4j.node.vl2;

import io.zt4j.node.crypto.C25519;
import io.zt4j.node.identity.Identity;
import io.zt4j.node.wire.DropReason;
import io.zt4j.node.wire.Parsed;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.LongFunction;

/**
 * A tag: a controller-signed (id, value) pair that a member presents to other members so their
 * rules engines can match on it ({@code MATCH_TAGS_*}, {@code MATCH_TAG_SENDER/RECEIVER}).
 *
 * <pre>
 *  serialized form (Tag::serialize), big-endian, 135 bytes when written by ZeroTier
 *  +-------------+-------------+--------+-----------+--------------+--------------+
 *  | network u64 | timestamp   | id u32 | value u32 | issuedTo (5) | signedBy (5) |
 *  |             | i64         |        |           |              |              |
 *  +-------------+-------------+--------+-----------+--------------+--------------+
 *  | 0x01 | 0x0060 | signature (96) | extension length u16 = 0 |
 *  +-----------------------------------------------------------+
 *  signed message: 7f x 8 | network .. signedBy | 0x0000 | 7f x 8
 * </pre>
 *
 * <p>An unsigned tag has signer 0 and an all-zero signature, as in ZeroTier. Ordered by id.
 * Immutable and thread-safe.
 */
public final class Tag implements Comparable<Tag> {

  /** Length of the serialized form ZeroTier writes. */
  public static final int SERIALIZED_LENGTH = 8 + 8 + 4 + 4 + 5 + 5 + 1 + 2 + C25519.SIGNATURE_LENGTH + 2;

  private final long networkId;
  private final long timestamp;
  private final long id;
  private final long value;
  private final long issuedTo;
  private final long signedBy;
  private final byte[] signature;

  private Tag(long networkId, long timestamp, long id, long value, long issuedTo, long signedBy, byte[] signature) {
    this.networkId = networkId;
    this.timestamp = timestamp;
    this.id = id;
    this.value = value;
    this.issuedTo = issuedTo;
    this.signedBy = signedBy;
    this.signature = signature;
  }

  /** An unsigned tag; {@code id} and {@code value} are unsigned 32-bit. */
  public static Tag of(long networkId, long timestamp, long issuedTo, long id, long value) {
    requireU32(id, "tag id");
    requireU32(value, "tag value");
    return new Tag(networkId, timestamp, id, value, issuedTo & 0xFF_FFFF_FFFFL, 0,
        new byte[C25519.SIGNATURE_LENGTH]);
  }

  static void requireU32(long v, String what) {
    if ((v & ~0xFFFF_FFFFL) != 0) {
      throw new IllegalArgumentException(what + " is unsigned 32-bit: " + v);
    }
  }

  public long networkId() {
    return networkId;
  }

  public long timestamp() {
    return timestamp;
  }

  /** The tag id (unsigned 32-bit). */
  public long id() {
    return id;
  }

  /** The tag value (unsigned 32-bit). */
  public long value() {
    return value;
  }

  public long issuedTo() {
    return issuedTo;
  }

  /** The signer's address, 0 if unsigned. */
  public long signedBy() {
    return signedBy;
  }

  public byte[] signature() {
    return signature.clone();
  }

  // ---------------------------------------------------------------------------------------------

  /** Parses one tag from {@code buf[off, off+len)}; the result's length is the bytes used. */
  public static Parsed<Tag> parse(byte[] buf, int off, int len) {
    if (off < 0 || len < 0 || off > buf.length - len) {
      return Parsed.dropped(DropReason.MALFORMED, "Tag: range outside the buffer");
    }
    WireReader r = new WireReader(buf, off, len);
    try {
      Tag t = read(r);
      return Parsed.ok(t, r.consumed());
    } catch (WireReader.Refused e) {
      return e.toParsed("Tag");
    }
  }

  static Tag read(WireReader r) {
    long nwid = r.u64("network id");
    long ts = r.u64("timestamp");
    long id = r.u32("id");
    long value = r.u32("value");
    long issuedTo = r.address("issued to");
    long signedBy = r.address("signed by");
    byte[] sig = CredentialWire.readSignature(r);
    CredentialWire.skipExtensions(r);
    return new Tag(nwid, ts, id, value, issuedTo, signedBy, sig);
  }

  void write(WireWriter w, boolean forSign) {
    if (forSign) {
      w.u64(CredentialWire.SIGN_MARKER);
    }
    w.u64(networkId).u64(timestamp).u32(id).u32(value).address(issuedTo).address(signedBy);
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

  /** The message the signer signs. */
  public byte[] signedMessage() {
    WireWriter w = new WireWriter(64);
    write(w, true);
    return w.toByteArray();
  }

  /** This tag signed by {@code signer} (which must hold its private key). */
  public Tag sign(Identity signer) {
    CredentialWire.requirePrivate(signer);
    Tag withSigner = new Tag(networkId, timestamp, id, value, issuedTo, signer.address().toLong(), signature);
    return new Tag(networkId, timestamp, id, value, issuedTo, withSigner.signedBy,
        signer.sign(withSigner.signedMessage()));
  }

  /**
   * ZeroTier's check: signed by the controller of the tag's network, with a valid signature.
   * {@code identities} returns the identity of an address, or null if unknown (then the result
   * asks for a WHOIS).
   */
  public Verification verify(LongFunction<Identity> identities) {
    return CredentialWire.verifyByController(signedBy, networkId, signedMessage(), signature, identities);
  }
  /** {@link #verify(LongFunction)} with the controller's identity at hand: true only if valid. */
  public boolean verify(Identity controller) {
    return verify(CredentialWire.only(controller)).isOk();
  }


  @Override
  public int compareTo(Tag o) {
    return Long.compare(id, o.id);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Tag t && t.networkId == networkId && t.timestamp == timestamp && t.id == id
        && t.value == value && t.issuedTo == issuedTo && t.signedBy == signedBy
        && Arrays.equals(t.signature, signature);
  }

  @Override
  public int hashCode() {
    return Objects.hash(networkId, timestamp, id, value, issuedTo, signedBy);
  }

  @Override
  public String toString() {
    return "Tag[" + id + "=" + value + " nwid=" + Long.toHexString(networkId) + " to="
        + String.format("%010x", issuedTo) + " ts=" + timestamp + "]";
  }
}
