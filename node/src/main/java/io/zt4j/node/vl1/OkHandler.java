package io.zt4j.node.vl1;

import io.zt4j.node.NodeEvent;
import io.zt4j.node.identity.Identity;
import io.zt4j.node.wire.InetAddress;
import io.zt4j.node.wire.Parsed;
import io.zt4j.node.wire.World;

/**
 * OK ({@code IncomingPacket::_doOK}): a reply to something we sent. Only replies to packet ids
 * we remember sending ({@link ExpectedReplies}) are acted on.
 *
 * <pre>
 *  OK payload: in-re verb u8 | in-re packet id u64 | verb-specific
 *    OK(HELLO): see {@link HelloHandler}; gives latency, the peer's version, our external
 *               address as the peer sees it, and newer worlds from an upstream
 *    OK(WHOIS): identity (public) of the address asked about (from an upstream)
 *    OK(ECHO):  the echoed payload; confirms the path (learned by {@link Peer#received})
 *    others:    VL2's reply handlers
 * </pre>
 */
final class OkHandler implements VerbHandler {
  @Override
  public boolean handle(Vl1 vl1, InboundPacket p) {
    PayloadReader r = p.payload();
    int inReVerb = r.u8();
    long inReId = r.u64();
    if (!vl1.expectedReplies().expecting(inReId)) {
      vl1.counters().count(Vl1Counters.Drop.UNEXPECTED_REPLY);
      return true;
    }
    Peer peer = p.peer();
    Topology t = vl1.topology();
    long now = vl1.now();
    switch (inReVerb) {
      case Verbs.HELLO -> {
        long sentAt = r.u64();
        int proto = r.u8();
        int major = r.u8();
        int minor = r.u8();
        int revision = r.u16();
        if (proto < Vl1Constants.PROTO_VERSION_MIN) {
          vl1.counters().count(Vl1Counters.Drop.UNSUPPORTED_VERSION);
          vl1.trace(NodeEvent.Trace.Kind.HELLO_DROPPED, peer.address(), p.path().address(),
              "OK(HELLO) with protocol version too old: " + proto);
          return true;
        }
        InetAddress mySurface = InetAddress.NIL;
        if (r.hasRemaining()) {
          mySurface = r.inetAddress();
        }
        if (r.remaining() >= 2) {
          int worldsLength = r.u16();
          if (t.shouldAcceptWorldUpdateFrom(peer.address())) {
            PayloadReader worlds = new PayloadReader(p.data(), r.position(), Math.min(worldsLength, r.remaining()));
            r.skip(worldsLength);
            while (worlds.hasRemaining()) {
              Parsed<World> w = World.parse(p.data(), worlds.position(), worlds.remaining());
              if (!w.isOk()) {
                throw new PayloadReader.Truncated("world in OK(HELLO): " + w.reason());
              }
              worlds.skip(w.length());
              if (t.addWorld(w.value(), false)) {
                vl1.trace(NodeEvent.Trace.Kind.WORLD_UPDATED, peer.address(), p.path().address(),
                    w.value().type() + " " + Long.toHexString(w.value().id()) + " timestamp " + w.value().timestamp());
              }
            }
          } else {
            r.skip(worldsLength);
          }
        }
        if (p.hops() == 0) {
          p.path().updateLatency(now - sentAt);
        }
        peer.setRemoteVersion(proto, major, minor, revision);
        if (!mySurface.isNil() && p.hops() == 0) {
          vl1.selfAwareness().iam(peer.address(), p.path().localSocket(), p.path().address(), mySurface,
              t.isUpstream(peer.address()), now);
        }
      }
      case Verbs.WHOIS -> {
        // Only upstreams are believed (they vouch for the identity, as in ZeroTier).
        if (t.isUpstream(peer.address()) && r.hasRemaining()) {
          Identity id = r.identity();
          Peer known = t.peer(id.address().toLong());
          if (known == null) {
            Peer fresh = vl1.newPeer(id);
            if (fresh != null) {
              known = t.addPeer(fresh);
            }
          }
          if (known != null && known.identity().equals(id)) {
            vl1.outbound().peerKnown(known);
            vl1.inbound().peerKnown(known);
          }
        }
      }
      default -> {
        ReplyHandler h = vl1.okHandler(inReVerb);
        if (h != null) {
          h.handle(vl1, p, inReVerb, inReId, 0, r);
        }
      }
    }
    vl1.received(p, false);
    return true;
  }
}
