package io.zt4j.node.vl1;

import io.zt4j.node.crypto.SymmetricKey;
import io.zt4j.node.wire.CipherSuite;
import io.zt4j.node.wire.Packet;
import io.zt4j.node.wire.PacketArmor;

/**
 * The armour VL1 uses with one peer: {@link PacketArmor} keyed with the key we agreed with it,
 * plus the cipher choice ZeroTier makes per packet:
 *
 * <ul>
 *   <li>HELLO: suite 0 (Poly1305, payload in clear except the moon list's {@code cryptField});
 *   <li>everything else to a peer whose protocol version we do not know yet, or that announced
 *       less than 12: suite 1 (Salsa20/12 + Poly1305);
 *   <li>everything else once the peer announced protocol 12 or later: suite 3 (AES-GMAC-SIV).
 * </ul>
 *
 * <p>Owned by the node thread (the underlying armour keeps scratch state).
 */
final class PeerCipher {
  /** Dearmour result: unassigned cipher suite. */
  static final int UNKNOWN_SUITE = -2;
  /** Dearmour result: authentication failed. */
  static final int AUTH_FAILED = -1;

  private final PacketArmor armor;

  PeerCipher(SymmetricKey key) {
    this.armor = new PacketArmor(key);
  }

  /**
   * Armours {@code p} in place: suite 0 if {@code !encrypt}, else 3 if {@code aes}, else 1.
   * Marks it armoured (the packet id may change: for suite 3 it becomes half the tag).
   */
  void armor(PacketBuilder p, boolean encrypt, boolean aes) {
    CipherSuite suite = !encrypt ? CipherSuite.POLY1305_NONE
        : aes ? CipherSuite.AES_GMAC_SIV : CipherSuite.POLY1305_SALSA2012;
    armor.armor(p.buffer(), 0, p.size(), suite);
    p.markArmored();
  }

  /**
   * Authenticates and decrypts {@code packet[0, len)} in place.
   *
   * @return the packet length on success, {@link #AUTH_FAILED} or {@link #UNKNOWN_SUITE}
   */
  int dearmor(byte[] packet, int len) {
    PacketArmor.Result r = armor.dearmor(packet, 0, len);
    return switch (r) {
      case OK -> len;
      case UNKNOWN_CIPHER -> UNKNOWN_SUITE;
      default -> AUTH_FAILED;
    };
  }

  /** HELLO's moon-list encryption (same call encrypts and decrypts). */
  void cryptField(PacketBuilder p, int start, int len) {
    armor.cryptField(p.buffer(), 0, start, len);
  }

  void cryptField(byte[] packet, int start, int len) {
    armor.cryptField(packet, 0, start, len);
  }

  /** Sets or clears the fragmented flag (must happen before armouring: it is authenticated). */
  static void setFragmented(PacketBuilder p, boolean fragmented) {
    byte[] b = p.buffer();
    b[Packet.IDX_FLAGS] = (byte) (fragmented ? b[Packet.IDX_FLAGS] | Packet.FLAG_FRAGMENTED
        : b[Packet.IDX_FLAGS] & ~Packet.FLAG_FRAGMENTED);
  }
}
