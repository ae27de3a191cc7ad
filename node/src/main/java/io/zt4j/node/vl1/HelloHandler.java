package io.zt4j.node.vl1;

import io.zt4j.node.NodeEvent;
import io.zt4j.node.ProtocolVersion;
import io.zt4j.node.crypto.SymmetricKey;
import io.zt4j.node.identity.Identity;
import io.zt4j.node.wire.InetAddress;
import io.zt4j.node.wire.World;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * HELLO ({@code IncomingPacket::_doHELLO}): a node introduces itself with its identity, so it
 * is the one packet we can authenticate without knowing the sender. Answered with OK(HELLO).
 *
 * <pre>
 *  HELLO payload (cipher suite 0: authenticated with Poly1305, only the moon list encrypted)
 *  +-------+-------+-------+----------+-----------+----------------+------------------------+
 *  | proto | major | minor | rev u16  | time u64  | identity (pub) | destination's physical |
 *  |  u8   |  u8   |  u8   |          | (sender)  |                | address (InetAddress)  |
 *  +-------+-------+-------+----------+-----------+----------------+------------------------+
 *  | planet id u64 | planet timestamp u64 | Salsa20/12(key, IV with low 3 bits cleared):   |
 *  |               |                      |   u16 n, n × (type u8, world id u64, ts u64)  |
 *  +---------------+----------------------+------------------------------------------------+
 *
 *  OK(HELLO) payload after OK's verb/in-re-id: time u64 (echoed) | proto u8 | major u8 |
 *  minor u8 | rev u16 | the HELLO sender's physical address (InetAddress) | u16 length |
 *  worlds (our planet if the sender's is older, moons it has older versions of)
 * </pre>
 *
 * <p>Checks, in ZeroTier's order: protocol at least {@link Vl1Constants#PROTO_VERSION_MIN};
 * identity address equals the source; for a known address with another identity, an
 * ERROR(IDENTITY_COLLISION) if the packet authenticates under the new key (rate limited per
 * source); for a new identity, the MAC before the (expensive) identity hash check. Each refusal is
 * counted and reported as a {@link NodeEvent.Trace}.
 */
final class HelloHandler implements VerbHandler {

  /** HELLO in cipher suite 0, from someone we may not know yet. */
  static void handleUnauthenticated(Vl1 vl1, Path path, byte[] packet) {
    handle(vl1, path, packet, null);
  }

  /** A HELLO that arrived encrypted (already authenticated by the sender's key). */
  @Override
  public boolean handle(Vl1 vl1, InboundPacket p) {
    handle(vl1, p.path(), p.data(), p.peer());
    return true;
  }

  private static void handle(Vl1 vl1, Path path, byte[] packet, Peer authenticatedPeer) {
    long now = vl1.now();
    Vl1Counters c = vl1.counters();
    int size = packet.length;
    PayloadReader r = new PayloadReader(packet, PacketBuilder.IDX_PAYLOAD, size - PacketBuilder.IDX_PAYLOAD);
    long pid = PacketBuilder.packetId(packet);
    long from = io.zt4j.node.identity.Address.toLong(packet, PacketBuilder.IDX_SOURCE);
    int hops = packet[PacketBuilder.IDX_FLAGS] & 0x07;
    int proto = r.u8();
    int major = r.u8();
    int minor = r.u8();
    int revision = r.u16();
    long timestamp = r.u64();
    Identity id = r.identity();

    if (proto < Vl1Constants.PROTO_VERSION_MIN) {
      c.count(Vl1Counters.Drop.UNSUPPORTED_VERSION);
      vl1.trace(NodeEvent.Trace.Kind.HELLO_DROPPED, from, path.address(), "protocol version too old: " + proto);
      return;
    }
    if (id.address().toLong() != from) {
      c.count(Vl1Counters.Drop.INVALID_IDENTITY);
      vl1.trace(NodeEvent.Trace.Kind.HELLO_DROPPED, from, path.address(), "identity/address mismatch");
      return;
    }

    Peer peer = vl1.topology().peer(from);
    boolean learned = false;
    if (peer != null) {
      if (authenticatedPeer == null) {
        if (!peer.identity().equals(id)) {
          collision(vl1, path, packet, id, pid);
          return;
        }
        if (peer.cipher().dearmor(packet, size) < 0) {
          c.count(Vl1Counters.Drop.AUTHENTICATION_FAILED);
          vl1.trace(NodeEvent.Trace.Kind.AUTHENTICATION_FAILED, from, path.address(), "invalid MAC");
          return;
        }
      }
    } else {
      if (authenticatedPeer != null) {
        return; // cannot happen: an authenticated packet has a known sender
      }
      if (!vl1.rateGateIdentityVerification(path.address())) {
        c.count(Vl1Counters.Drop.RATE_LIMITED);
        vl1.trace(NodeEvent.Trace.Kind.HELLO_DROPPED, from, path.address(), "rate limit exceeded");
        return;
      }
      Peer fresh = vl1.newPeer(id);
      if (fresh == null) {
        c.count(Vl1Counters.Drop.INVALID_IDENTITY);
        vl1.trace(NodeEvent.Trace.Kind.HELLO_DROPPED, from, path.address(), "invalid identity (key agreement failed)");
        return;
      }
      // The MAC is cheap; the identity's memory-hard hash is not: check the MAC first.
      if (fresh.cipher().dearmor(packet, size) < 0) {
        c.count(Vl1Counters.Drop.AUTHENTICATION_FAILED);
        vl1.trace(NodeEvent.Trace.Kind.AUTHENTICATION_FAILED, from, path.address(), "invalid MAC");
        return;
      }
      if (!id.locallyValidate()) {
        c.count(Vl1Counters.Drop.INVALID_IDENTITY);
        vl1.trace(NodeEvent.Trace.Kind.HELLO_DROPPED, from, path.address(), "invalid identity");
        return;
      }
      peer = vl1.topology().addPeer(fresh);
      learned = true;
    }

    // Valid: the rest is optional (absent in very old versions).
    Topology t = vl1.topology();
    if (r.hasRemaining()) {
      InetAddress mySurface = r.inetAddress();
      if (!mySurface.isNil() && hops == 0) {
        vl1.selfAwareness().iam(from, path.localSocket(), path.address(), mySurface, t.isUpstream(from), now);
      }
    }
    long planetId = 0;
    long planetTimestamp = 0;
    if (r.remaining() >= 16) {
      planetId = r.u64();
      planetTimestamp = r.u64();
    }
    List<long[]> theirMoons = new ArrayList<>();
    if (r.hasRemaining()) {
      peer.cipher().cryptField(packet, r.position(), r.remaining());
      if (r.remaining() >= 2) {
        int n = r.u16();
        for (int i = 0; i < n; i++) {
          int type = r.u8();
          long moonId = r.u64();
          long moonTs = r.u64();
          if (type == World.Type.MOON.code) {
            theirMoons.add(new long[] {moonId, moonTs});
          }
        }
      }
    }

    PacketBuilder ok = vl1.newPacket(from, Verbs.OK);
    ok.u8(Verbs.HELLO).u64(pid).u64(timestamp)
        .u8(ProtocolVersion.PROTOCOL)
        .u8(ProtocolVersion.SOFTWARE_MAJOR)
        .u8(ProtocolVersion.SOFTWARE_MINOR)
        .u16(ProtocolVersion.SOFTWARE_REVISION);
    // Protocol < 5 (pre-1.1.0) expected the port zeroed in this echo.
    ok.inetAddress(proto >= 5 ? path.address() : path.address().withPort(0));
    int worldsAt = ok.position();
    ok.u16(0);
    World planet = t.planet();
    if (planetId != 0 && Long.compareUnsigned(planet.timestamp(), planetTimestamp) > 0 && planetId == planet.id()) {
      ok.bytes(planet.serialize());
    }
    for (World m : t.moons()) {
      for (long[] theirs : theirMoons) {
        if (theirs[0] == m.id()) {
          if (Long.compareUnsigned(m.timestamp(), theirs[1]) > 0) {
            ok.bytes(m.serialize());
          }
          break;
        }
      }
    }
    ok.setU16At(worldsAt, ok.position() - (worldsAt + 2));
    // Armoured with what we know of the peer's version so far: suite 1 until it is known.
    peer.cipher().armor(ok, true, peer.useAes());
    vl1.sendOnPath(path, ok.buffer(), ok.size());

    peer.setRemoteVersion(proto, major, minor, revision);
    vl1.received(new InboundPacket(path, packet, size, peer, now), false);
    if (learned) {
      // What this peer sent before its HELLO was verified (e.g. a WHOIS a node starting up
      // sends right behind its first HELLO) is decoded now, not at the next 500 ms queue check;
      // ZeroTier One does the same only for identities learned by WHOIS. Only the timing differs:
      // the same packets are decoded and answered either way.
      vl1.outbound().peerKnown(peer);
      vl1.inbound().peerKnown(peer);
    }
  }

  /** Another identity uses an address we know: answer with ERROR(IDENTITY_COLLISION) if authentic. */
  private static void collision(Vl1 vl1, Path path, byte[] packet, Identity id, long pid) {
    Vl1Counters c = vl1.counters();
    long from = id.address().toLong();
    if (!vl1.rateGateIdentityVerification(path.address())) {
      c.count(Vl1Counters.Drop.RATE_LIMITED);
      return;
    }
    Optional<SymmetricKey> key = vl1.identity().agree(id);
    if (key.isEmpty()) {
      c.count(Vl1Counters.Drop.INVALID_IDENTITY);
      vl1.trace(NodeEvent.Trace.Kind.HELLO_DROPPED, from, path.address(), "invalid identity");
      return;
    }
    PeerCipher cipher = new PeerCipher(key.get());
    if (cipher.dearmor(packet, packet.length) < 0) {
      c.count(Vl1Counters.Drop.AUTHENTICATION_FAILED);
      vl1.trace(NodeEvent.Trace.Kind.AUTHENTICATION_FAILED, from, path.address(), "invalid MAC");
      return;
    }
    c.count(Vl1Counters.Drop.IDENTITY_COLLISION);
    vl1.trace(NodeEvent.Trace.Kind.ADDRESS_COLLISION, from, path.address(), "address collision");
    PacketBuilder err = vl1.newPacket(from, Verbs.ERROR);
    err.u8(Verbs.HELLO).u64(pid).u8(Verbs.ERROR_IDENTITY_COLLISION);
    cipher.armor(err, true, false);
    vl1.sendOnPath(path, err.buffer(), err.size());
  }
}
