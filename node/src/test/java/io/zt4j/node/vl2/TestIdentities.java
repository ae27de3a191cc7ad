package io.zt4j.node.vl2;

import io.zt4j.node.crypto.C25519;
import io.zt4j.node.identity.Address;
import io.zt4j.node.identity.Identity;
import java.util.Random;

/**
 * Signing identities for tests that need no valid address proof-of-work: any address bound to a
 * key pair from a seeded generator (signatures and key agreement work; hashcash does not).
 */
final class TestIdentities {
  private TestIdentities() {}

  static Identity withAddress(long address, long seed) {
    byte[] priv = new byte[C25519.PRIVATE_KEY_LENGTH];
    new Random(seed).nextBytes(priv);
    return Identity.of(Address.of(address), C25519.publicKeyOf(priv), priv);
  }
}
