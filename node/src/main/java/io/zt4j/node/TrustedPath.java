package io.zt4j.node;

import io.zt4j.node.wire.InetAddress;
import java.util.Optional;

/**
 * A physical network whose packets skip encryption and authentication (ZeroTier's trusted paths,
 * cipher suite 2): to an address inside {@code network} we send suite-2 packets carrying
 * {@code id} in the MAC field, and a suite-2 packet is accepted only from an address inside a
 * configured network whose id it carries; every other suite-2 packet is dropped. Both ends must
 * configure the same id. ZeroTier One reads these from {@code local.conf}
 * ({@code physical."10.0.0.0/24".trustedPathId}) and uses them only on fully trusted links (a
 * cluster backplane): anyone on such a network can forge any node's packets.
 *
 * @param network the network as ZeroTier writes it: an IPv4 or IPv6 address whose port is the
 *     number of network bits (1–32 or 1–128)
 * @param id a non-zero 64-bit id shared by both ends
 */
public record TrustedPath(InetAddress network, long id) {
  /** ZeroTier One's {@code ZT_MAX_CONFIGURABLE_PATHS}. */
  public static final int MAX = 32;

  public TrustedPath {
    if (network == null || !(network.isV4() || network.isV6())) {
      throw new IllegalArgumentException("trusted path network must be IPv4 or IPv6");
    }
    int max = network.isV4() ? 32 : 128;
    if (network.port() < 1 || network.port() > max) {
      throw new IllegalArgumentException("trusted path network bits must be 1.." + max + ": " + network);
    }
    if (id == 0) {
      throw new IllegalArgumentException("trusted path id must not be 0");
    }
  }

  /**
   * Parses {@code IP/BITS=ID} (ID in decimal, or hex with {@code 0x}), e.g.
   * {@code 10.0.0.0/24=0x1234} or {@code fd00::/8=42}.
   */
  public static Optional<TrustedPath> parse(String text) {
    int eq = text.indexOf('=');
    if (eq < 0) {
      return Optional.empty();
    }
    try {
      String idText = text.substring(eq + 1).strip();
      long id = idText.startsWith("0x") || idText.startsWith("0X")
          ? Long.parseUnsignedLong(idText.substring(2), 16) : Long.parseUnsignedLong(idText);
      return InetAddress.fromString(text.substring(0, eq).strip()).map(n -> new TrustedPath(n, id));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** Whether {@code address} (any port) lies inside {@link #network}. */
  public boolean contains(InetAddress address) {
    if (address.family() != network.family()) {
      return false;
    }
    byte[] a = address.ip();
    byte[] n = network.ip();
    int bits = network.port();
    int whole = bits / 8;
    for (int i = 0; i < whole; i++) {
      if (a[i] != n[i]) {
        return false;
      }
    }
    int rest = bits % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xff << (8 - rest)) & 0xff;
    return (a[whole] & mask) == (n[whole] & mask);
  }
}
