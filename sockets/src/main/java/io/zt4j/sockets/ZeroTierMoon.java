package io.zt4j.sockets;

import java.util.List;

/**
 * A moon a {@link ZeroTierNode} orbits: a world of extra roots (ZeroTier's {@code .moon}) that
 * the node keeps in touch with like the roots of its planet — they answer its WHOIS, relay its
 * packets and introduce peers, so a network stays reachable through them when the planet's roots
 * are not (or are far). Snapshot; see {@link ZeroTierNode#moons()}.
 *
 * @param worldId the moon's 64-bit world ID
 * @param timestamp the moon definition's timestamp (a newer signed definition replaces it)
 * @param roots the 10-hex-digit addresses of the moon's roots
 */
public record ZeroTierMoon(long worldId, long timestamp, List<String> roots) {
  public ZeroTierMoon {
    roots = List.copyOf(roots);
  }

  /** The world ID as 16 hex digits, as {@code zerotier-cli listmoons} prints it. */
  public String worldIdString() {
    return String.format("%016x", worldId);
  }
}
