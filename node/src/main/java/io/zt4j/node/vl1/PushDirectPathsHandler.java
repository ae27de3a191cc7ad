package io.zt4j.node.vl1;

import static io.zt4j.node.vl1.Vl1Constants.PUSH_DIRECT_PATHS_MAX_PER_SCOPE_AND_FAMILY;

import io.zt4j.node.wire.InetAddress;
import java.util.Arrays;

/**
 * PUSH_DIRECT_PATHS ({@code IncomingPacket::_doPUSH_DIRECT_PATHS}): a peer tells us addresses it
 * may be reached at. We try each one that is new, allowed ({@link Vl1#shouldUsePath}, so the host
 * decides), and within ZeroTier's limits: at most
 * {@link Vl1Constants#PUSH_DIRECT_PATHS_CUTOFF_LIMIT} pushes per peer per
 * {@link Vl1Constants#PUSH_DIRECT_PATHS_CUTOFF_TIME_MILLIS}, and at most
 * {@link Vl1Constants#PUSH_DIRECT_PATHS_MAX_PER_SCOPE_AND_FAMILY} addresses per IP scope and
 * family per push.
 *
 * <pre>
 *  payload: count u16, then per address:
 *  +-------+-------------+-------------+------+---------+------------------------+
 *  | flags | ext len u16 | ext (skip)  | type | length  | IP (4/16) | port u16   |
 *  +-------+-------------+-------------+------+---------+------------------------+
 *  flags: 0x01 forget path, 0x02 cluster redirect; type 4 = IPv4 (length 6), 6 = IPv6 (18)
 * </pre>
 *
 * <p>Cluster redirects (a feature of ZeroTier's retired clustering) are not followed.
 */
final class PushDirectPathsHandler implements VerbHandler {
  static final int FLAG_FORGET_PATH = 0x01;
  static final int FLAG_CLUSTER_REDIRECT = 0x02;

  @Override
  public boolean handle(Vl1 vl1, InboundPacket p) {
    Peer peer = p.peer();
    long now = vl1.now();
    if (!peer.rateGatePushDirectPaths(now)) {
      vl1.counters().count(Vl1Counters.Drop.RATE_LIMITED);
      vl1.received(p, false);
      return true;
    }
    int[][] perScope = new int[IpScope.MAX + 1][2];
    PayloadReader r = p.payload();
    int count = r.u16();
    for (int i = 0; i < count; i++) {
      int flags = r.u8();
      r.skip(r.u16());
      int type = r.u8();
      int len = r.u8();
      byte[] raw = r.bytes(len);
      InetAddress a;
      if (type == 4 && len >= 6) {
        a = InetAddress.of(Arrays.copyOf(raw, 4), ((raw[4] & 0xff) << 8) | (raw[5] & 0xff));
      } else if (type == 6 && len >= 18) {
        a = InetAddress.of(Arrays.copyOf(raw, 16), ((raw[16] & 0xff) << 8) | (raw[17] & 0xff));
      } else {
        continue;
      }
      if ((flags & (FLAG_FORGET_PATH | FLAG_CLUSTER_REDIRECT)) != 0 || peer.hasActivePathTo(now, a)
          || !vl1.shouldUsePath(peer.address(), p.path().localSocket(), a)) {
        continue;
      }
      int fam = a.isV4() ? 0 : 1;
      if (++perScope[IpScope.of(a).ordinal()][fam] <= PUSH_DIRECT_PATHS_MAX_PER_SCOPE_AND_FAMILY) {
        vl1.attemptToContactAt(peer, -1, a, now, false);
      }
    }
    vl1.received(p, false);
    return true;
  }
}
