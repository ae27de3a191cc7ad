package io.zt4j.node.wire;

/**
 * ZeroTier 1.x packet cipher suites: bits 3..5 of a packet's flags byte.
 *
 * <p>Which one a sender uses: {@link #POLY1305_NONE} for HELLO only; {@link #POLY1305_SALSA2012}
 * until the peer's protocol version is known; {@link #AES_GMAC_SIV} once both speak protocol 12
 * or later; {@link #TRUSTED_PATH} only over a path both sides configured as trusted.
 */
public enum CipherSuite {
  /** 0: Poly1305 MAC keyed by Salsa20/12, payload in clear (HELLO). */
  POLY1305_NONE(0),
  /** 1: Salsa20/12 encryption + Poly1305 MAC, per-packet key mangling. */
  POLY1305_SALSA2012(1),
  /** 2: no crypto at all; the MAC field carries a trusted-path ID. */
  TRUSTED_PATH(2),
  /** 3: AES-GMAC-SIV (ZeroTier 1.12+, protocol version 12). */
  AES_GMAC_SIV(3);

  private static final CipherSuite[] BY_CODE = {POLY1305_NONE, POLY1305_SALSA2012, TRUSTED_PATH, AES_GMAC_SIV};

  /** The 3-bit code on the wire. */
  public final int code;

  CipherSuite(int code) {
    this.code = code;
  }

  /** The suite for a 3-bit code, or null for the unassigned codes 4..7. */
  public static CipherSuite of(int code) {
    return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
  }
}
