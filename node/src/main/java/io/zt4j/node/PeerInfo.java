package io.zt4j.node;

import io.zt4j.node.identity.Address;
import java.util.List;

/**
 * A snapshot of one peer ({@code ZT_Peer}): immutable, safe to hand to other threads.
 *
 * @param version "major.minor.revision" or null if not known yet
 * @param protocol the protocol version it announced (0 if unknown)
 * @param latencyMillis latency over the preferred path, or -1 if unknown
 * @param paths its physical paths, the preferred one flagged
 */
public record PeerInfo(Address address, Role role, String version, int protocol, int latencyMillis,
    List<PathInfo> paths) {

  /** ZeroTier's peer roles ({@code ZT_PeerRole}). */
  public enum Role {
    LEAF,
    MOON,
    PLANET
  }

  public PeerInfo {
    paths = List.copyOf(paths);
  }

  /**
   * Whether traffic to the peer goes over a direct path (one not yet expired: what
   * {@code zerotier-cli peers} shows as DIRECT), rather than through a relay.
   */
  public boolean direct() {
    for (PathInfo p : paths) {
      if (p.preferred()) {
        return true;
      }
    }
    return false;
  }
}
