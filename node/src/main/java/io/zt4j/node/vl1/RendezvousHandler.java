package io.zt4j.node.vl1;

import io.zt4j.node.wire.InetAddress;

/**
 * RENDEZVOUS ({@code IncomingPacket::_doRENDEZVOUS}): an upstream tells us where another peer is
 * so we can punch through NATs. We send a 4-byte junk datagram with TTL 2 (opens our own NAT
 * without reaching the other side's) and then contact the peer there (ECHO, or HELLO if we do not
 * know its version). Only upstreams are listened to; see {@link Introducer} for the layout.
 */
final class RendezvousHandler implements VerbHandler {
  /** TTL of the junk datagram: enough to leave our NAT, not enough to reach theirs. */
  static final int JUNK_TTL = 2;

  @Override
  public boolean handle(Vl1 vl1, InboundPacket p) {
    if (vl1.topology().isUpstream(p.peer().address())) {
      PayloadReader r = p.payload();
      r.u8(); // flags (none defined)
      long with = r.address();
      int port = r.u16();
      int addrLen = r.u8();
      if (port > 0 && (addrLen == 4 || addrLen == 16)) {
        InetAddress at = InetAddress.of(r.bytes(addrLen), port);
        Peer other = vl1.topology().peer(with);
        long socket = p.path().localSocket();
        if (other != null && vl1.shouldUsePath(with, socket, at)) {
          long junk = vl1.random().nextLong();
          byte[] j = {(byte) junk, (byte) (junk >>> 8), (byte) (junk >>> 16), (byte) (junk >>> 24)};
          vl1.putPacket(socket, at, j, 4, JUNK_TTL);
          vl1.attemptToContactAt(other, socket, at, vl1.now(), false);
        }
      }
    }
    vl1.received(p, false);
    return true;
  }
}
