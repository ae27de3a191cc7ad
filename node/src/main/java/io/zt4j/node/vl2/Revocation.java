package io.zt4j.node.vl2;

import io.zt4j.node.identity.Address;
import io.zt4j.node.identity.Identity;
import io.zt4j.node.wire.DropReason;
import io.zt4j.node.wire.Parsed;
import java.util.Arrays;

/**
 * A revocation: the controller's statement that credentials of {@code target} of a given type
 * issued before {@code threshold} (ms) are no longer valid. A controller sends one for the
 * member's COM when it deauthorizes the member, so peers stop accepting its frames at once.
 *
 * <pre>
 *  0 u32 | id u32 | network id u64 | 0 u32 | credential id u32 | threshold u64 | flags u64
 *  target (5) | signed by (5) | credential type u8
 *  signature type u8 (1 = Ed25519) | signature length u16 | signature | additional fields length u16
 * </pre>
 *
 * The signed message is the layout without the signature type/length/signature, between two
 * {@code 0x7f7f7f7f7f7f7f7f} markers. Immutable.
 */
public final class Revocation {
  /** Flag: peers pass the revocation on to the other members they talk to. */
  public static final long FLAG_FAST_PROPAGATE = 0x1;
  public static final int CREDENTIAL_TYPE_COM = 1;
  public static final int CREDENTIAL_TYPE_CAPABILITY = 2;
  public static final int CREDENTIAL_TYPE_TAG = 3;
  public static final int CREDENTIAL_TYPE_COO = 4;

  private static final int BODY = 4 + 4 + 8 + 4 + 4 + 8 + 8 + 5 + 5 + 1;
  private static final long MARKER = 0x7f7f7f7f7f7f7f7fL;

  private final int id;
  private final long networkId;
  private final int credentialId;
  private final long threshold;
  private final long flags;
  private final long target;
  private final long signedBy;
  private final int credentialType;
  private final byte[] signature;

  private Revocation(int id, long networkId, int credentialId, long threshold, long flags, long target,
      long signedBy, int credentialType, byte[] signature) {
    this.id = id;
    this.networkId = networkId;
    this.credentialId = credentialId;
    this.threshold = threshold;
    this.flags = flags;
    this.target = target & 0xffffffffffL;
    this.signedBy = signedBy & 0xffffffffffL;
    this.credentialType = credentialType & 0xff;
    this.signature = signature;
  }

  /** An unsigned revocation. */
  public static Revocation of(int id, long networkId, int credentialId, long threshold, long flags, long target,
      int credentialType) {
    return new Revocation(id, networkId, credentialId, threshold, flags, target, 0, credentialType, new byte[0]);
  }

  public int id() {
    return id;
  }

  public long networkId() {
    return networkId;
  }

  public int credentialId() {
    return credentialId;
  }

  public long threshold() {
    return threshold;
  }

  public long flags() {
    return flags;
  }

  public long target() {
    return target;
  }

  public long signedBy() {
    return signedBy;
  }

  public int credentialType() {
    return credentialType;
  }

  /** Signed by {@code signer}, which must hold its private key. */
  public Revocation sign(Identity signer) {
    Revocation u = new Revocation(id, networkId, credentialId, threshold, flags, target,
        signer.address().toLong(), credentialType, new byte[0]);
    return new Revocation(id, networkId, credentialId, threshold, flags, target, u.signedBy, credentialType,
        signer.sign(u.signedMessage()));
  }

  /** True if signed by {@code signer} with a valid signature. */
  public boolean verify(Identity signer) {
    if (signedBy == 0 || signature.length == 0 || signer.address().toLong() != signedBy) {
      return false;
    }
    byte[] m = signedMessage();
    return signer.verify(m, 0, m.length, signature, 0, signature.length);
  }

  public byte[] signedMessage() {
    byte[] b = new byte[8 + BODY + 2 + 8];
    int p = CertificateOfOwnership.putU64(b, 0, MARKER);
    p = writeBody(b, p);
    CertificateOfOwnership.putU64(b, p + 2, MARKER);
    return b;
  }

  public int serializedLength() {
    return BODY + 3 + signature.length + 2;
  }

  public byte[] serialize() {
    byte[] b = new byte[serializedLength()];
    int p = writeBody(b, 0);
    b[p++] = 1;
    b[p++] = (byte) (signature.length >>> 8);
    b[p++] = (byte) signature.length;
    System.arraycopy(signature, 0, b, p, signature.length);
    return b;
  }

  /** Parses one revocation from {@code buf[off, off+len)}; the result's length is the bytes used. */
  public static Parsed<Revocation> parse(byte[] buf, int off, int len) {
    if (off < 0 || len < 0 || off > buf.length - len) {
      return Parsed.dropped(DropReason.MALFORMED, "revocation: range outside the buffer");
    }
    if (len < BODY + 3) {
      return Parsed.dropped(DropReason.TRUNCATED, "revocation: truncated");
    }
    int p = off + 4;
    int id = (int) CertificateOfOwnership.u32(buf, p);
    long nwid = CertificateOfOwnership.u64(buf, p + 4);
    int cid = (int) CertificateOfOwnership.u32(buf, p + 16);
    long thr = CertificateOfOwnership.u64(buf, p + 20);
    long flags = CertificateOfOwnership.u64(buf, p + 28);
    long target = Address.toLong(buf, p + 36);
    long by = Address.toLong(buf, p + 41);
    int type = buf[p + 46] & 0xff;
    p = off + BODY;
    int sigType = buf[p++] & 0xff;
    int sigLen = CertificateOfOwnership.u16(buf, p);
    p += 2;
    if (sigType == 1 && sigLen != 96) {
      return Parsed.dropped(DropReason.MALFORMED, "revocation: Ed25519 signature of " + sigLen + " bytes");
    }
    int end = off + len;
    if (end - p < sigLen + 2) {
      return Parsed.dropped(DropReason.TRUNCATED, "revocation: signature truncated");
    }
    byte[] sig = sigType == 1 ? Arrays.copyOfRange(buf, p, p + sigLen) : new byte[0];
    p += sigLen;
    int extra = CertificateOfOwnership.u16(buf, p);
    p += 2;
    if (end - p < extra) {
      return Parsed.dropped(DropReason.TRUNCATED, "revocation: additional fields truncated");
    }
    return Parsed.ok(new Revocation(id, nwid, cid, thr, flags, target, by, type, sig), p + extra - off);
  }

  private int writeBody(byte[] b, int p) {
    p += 4;
    b[p++] = (byte) (id >>> 24);
    b[p++] = (byte) (id >>> 16);
    b[p++] = (byte) (id >>> 8);
    b[p++] = (byte) id;
    p = CertificateOfOwnership.putU64(b, p, networkId);
    p += 4;
    b[p++] = (byte) (credentialId >>> 24);
    b[p++] = (byte) (credentialId >>> 16);
    b[p++] = (byte) (credentialId >>> 8);
    b[p++] = (byte) credentialId;
    p = CertificateOfOwnership.putU64(b, p, threshold);
    p = CertificateOfOwnership.putU64(b, p, flags);
    Address.write(target, b, p);
    Address.write(signedBy, b, p + 5);
    p += 10;
    b[p++] = (byte) credentialType;
    return p;
  }
}
