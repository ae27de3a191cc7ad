package io.zt4j.node.vl1;

import io.zt4j.node.identity.Identity;

/**
 * WHOIS ({@code IncomingPacket::_doWHOIS}): who has these addresses? Answered with one OK
 * carrying the public identities we know (from memory, as ZeroTier does); unknown ones we ask our
 * own upstream about. Roots answer everyone; other nodes at most one request per peer per
 * {@link Vl1Constants#PEER_WHOIS_RATE_LIMIT_MILLIS}.
 *
 * <pre>
 *  WHOIS payload: address (5) …     OK(WHOIS): identity (public) …
 * </pre>
 */
final class WhoisHandler implements VerbHandler {
  @Override
  public boolean handle(Vl1 vl1, InboundPacket p) {
    Peer peer = p.peer();
    long now = vl1.now();
    if (!vl1.topology().amUpstream() && !peer.rateGateInboundWhoisRequest(now)) {
      vl1.counters().count(Vl1Counters.Drop.RATE_LIMITED);
      return true;
    }
    PacketBuilder ok = vl1.newPacket(peer.address(), Verbs.OK);
    ok.u8(Verbs.WHOIS).u64(p.packetId());
    int count = 0;
    PayloadReader r = p.payload();
    while (r.remaining() >= 5) {
      long addr = r.address();
      Identity id = vl1.topology().identityOf(addr);
      if (id != null) {
        if (ok.size() + Identity.SERIALIZED_PUBLIC_LENGTH <= PacketBuilder.MAX_PACKET_LENGTH) {
          ok.identity(id, false);
          count++;
        }
      } else {
        vl1.requestWhois(addr);
      }
    }
    if (count > 0) {
      peer.cipher().armor(ok, true, peer.useAes());
      vl1.sendOnPath(p.path(), ok.buffer(), ok.size());
    }
    vl1.received(p, false);
    return true;
  }
}
