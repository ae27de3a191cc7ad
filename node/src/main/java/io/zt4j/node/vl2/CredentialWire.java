package io.zt4j.node.vl2;

import io.zt4j.node.crypto.C25519;
import io.zt4j.node.identity.Identity;
import io.zt4j.node.wire.CertificateOfMembership;
import io.zt4j.node.wire.DropReason;
import java.util.function.LongFunction;

/**
 * Pieces shared by the signed credentials (tags, capabilities, revocations, certificates of
 * ownership): the signature block, the extension-length trailer and single-signer verification.
 *
 * <pre>
 *  signature block:  type u8 (1 = Ed25519) | length u16 (96) | signature (96)
 *                    any other type: length u16 | length bytes, skipped (signature stays zero)
 *  trailer:          extension length u16 (0 when written) | that many bytes, skipped
 *  signed message:   0x7f x 8 | the fields up to and including the signer, without the
 *                    signature block | trailer (0x0000) | 0x7f x 8
 * </pre>
 */
final class CredentialWire {
  private CredentialWire() {}

  /** The 8-byte marker written before and after a credential's signed message. */
  static final long SIGN_MARKER = 0x7f7f7f7f7f7f7f7fL;

  /** Signature type 1: the 96-byte C25519 (Ed25519) signature. */
  static final int SIGNATURE_TYPE_ED25519 = 1;

  static byte[] readSignature(WireReader r) {
    int type = r.u8("signature type");
    if (type == SIGNATURE_TYPE_ED25519) {
      int len = r.u16("signature length");
      if (len != C25519.SIGNATURE_LENGTH) {
        throw WireReader.refuse(DropReason.MALFORMED, "Ed25519 signature of " + len + " bytes, not 96");
      }
      return r.bytes(C25519.SIGNATURE_LENGTH, "signature");
    }
    r.skip(r.u16("signature length"), "signature of unknown type " + type);
    return new byte[C25519.SIGNATURE_LENGTH];
  }

  static void writeSignature(WireWriter w, byte[] signature) {
    w.u8(SIGNATURE_TYPE_ED25519).u16(C25519.SIGNATURE_LENGTH).bytes(signature);
  }

  static void skipExtensions(WireReader r) {
    r.skip(r.u16("extension length"), "extensions");
  }

  /**
   * ZeroTier's check of a credential signed by one party: the signer is the controller of
   * {@code networkId} and its signature over {@code message} is valid.
   */
  static Verification verifyByController(long signedBy, long networkId, byte[] message, byte[] signature,
      LongFunction<Identity> identities) {
    if (signedBy == 0 || signedBy != CertificateOfMembership.controllerFor(networkId)) {
      return Verification.BAD;
    }
    Identity id = identities.apply(signedBy);
    if (id == null) {
      return Verification.needIdentity(signedBy);
    }
    if (id.address().toLong() != signedBy) {
      return Verification.BAD;
    }
    return id.verify(message, 0, message.length, signature, 0, signature.length) ? Verification.OK
        : Verification.BAD;
  }

  /** A lookup that knows exactly one identity. */
  static LongFunction<Identity> only(Identity id) {
    long a = id.address().toLong();
    return x -> x == a ? id : null;
  }

  static byte[] checkSignature(byte[] signature) {
    if (signature.length != C25519.SIGNATURE_LENGTH) {
      throw new IllegalArgumentException("signature must be 96 bytes");
    }
    return signature.clone();
  }

  static Identity requirePrivate(Identity signer) {
    if (!signer.hasPrivateKey()) {
      throw new IllegalArgumentException("signing needs the signer's private key: " + signer.address());
    }
    return signer;
  }
}
