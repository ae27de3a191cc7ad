package io.zt4j.node.vl1;

/**
 * ECHO ({@code IncomingPacket::_doECHO}): answered with OK(ECHO) carrying the same payload, at
 * most six a second per path. Peers use it as the cheap path heartbeat.
 */
final class EchoHandler implements VerbHandler {
  @Override
  public boolean handle(Vl1 vl1, InboundPacket p) {
    if (!p.path().rateGateEchoRequest(vl1.now())) {
      vl1.counters().count(Vl1Counters.Drop.RATE_LIMITED);
      return true;
    }
    Peer peer = p.peer();
    PacketBuilder ok = vl1.newPacket(peer.address(), Verbs.OK);
    ok.u8(Verbs.ECHO).u64(p.packetId());
    int n = Math.min(p.payloadLength(), PacketBuilder.MAX_PACKET_LENGTH - ok.size());
    ok.bytes(p.data(), PacketBuilder.IDX_PAYLOAD, n);
    peer.cipher().armor(ok, true, peer.useAes());
    vl1.sendOnPath(p.path(), ok.buffer(), ok.size());
    vl1.received(p, false);
    return true;
  }
}
