package io.zt4j.node.vl2;

/**
 * Credential type codes as ZeroTier numbers them ({@code Credential::Type}); they appear on the
 * wire in revocations and in NETWORK_CREDENTIALS bookkeeping.
 */
public enum CredentialType {
  NULL(0),
  /** Certificate of membership ({@link io.zt4j.node.wire.CertificateOfMembership}). */
  COM(1),
  CAPABILITY(2),
  TAG(3),
  /** Certificate of ownership. */
  COO(4),
  REVOCATION(6);

  private final int code;

  CredentialType(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  /** The type with this code, or {@code null} for an unassigned code. */
  public static CredentialType ofCode(int code) {
    for (CredentialType t : values()) {
      if (t.code == code) {
        return t;
      }
    }
    return null;
  }
}
