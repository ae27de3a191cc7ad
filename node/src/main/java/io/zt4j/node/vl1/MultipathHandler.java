package io.zt4j.node.vl1;

/**
 * ACK, QOS_MEASUREMENT and PATH_NEGOTIATION_REQUEST: ZeroTier's multipath bonding verbs. Bonding
 * is not implemented, and ZeroTier without a bond ignores these entirely (not even accounting
 * the packet as received), so do we.
 */
final class MultipathHandler implements VerbHandler {
  @Override
  public boolean handle(Vl1 vl1, InboundPacket p) {
    vl1.counters().verbIn(p.verb());
    return true;
  }
}
