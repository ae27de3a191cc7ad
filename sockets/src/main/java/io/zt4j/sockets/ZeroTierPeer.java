package io.zt4j.sockets;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * A snapshot of another ZeroTier node this node knows (what {@code zerotier-cli peers} lists).
 *
 * @param nodeId the peer's 10-hex-digit ZeroTier address
 * @param role a root of our planet, a moon root, or an ordinary node
 * @param version its software version ("1.14.1"), or null if not known yet
 * @param latencyMillis round-trip latency over its preferred path, or -1 if unknown
 * @param paths its physical (UDP) paths
 */
public record ZeroTierPeer(String nodeId, Role role, String version, int latencyMillis, List<Path> paths) {

  /** Compact constructor: copies the list. */
  public ZeroTierPeer {
    paths = List.copyOf(paths);
  }

  /** What a peer is to us. */
  public enum Role {
    /** An ordinary node. */
    LEAF,
    /** A root of a moon we orbit. */
    MOON,
    /** A root of our planet. */
    PLANET
  }

  /**
   * One UDP path to the peer.
   *
   * @param address the peer's IP and port
   * @param lastSendAtMillis when we last sent over it (node clock, ms since the epoch; 0 never)
   * @param lastReceiveAtMillis when something last arrived over it (0 never)
   * @param alive something arrived recently
   * @param preferred the path traffic to the peer uses
   */
  public record Path(InetSocketAddress address, long lastSendAtMillis, long lastReceiveAtMillis, boolean alive,
      boolean preferred) {}

  /** Whether traffic to the peer goes over a direct path rather than through a root. */
  public boolean direct() {
    return paths.stream().anyMatch(Path::preferred);
  }
}
