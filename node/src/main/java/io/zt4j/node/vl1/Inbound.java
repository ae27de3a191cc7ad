package io.zt4j.node.vl1;

import static io.zt4j.node.vl1.Vl1Constants.BEACON_RESPONSE_INTERVAL_MILLIS;
import static io.zt4j.node.vl1.Vl1Constants.LEGACY_BEACON_LENGTH;
import static io.zt4j.node.vl1.Vl1Constants.RECEIVE_QUEUE_TIMEOUT_MILLIS;
import static io.zt4j.node.vl1.Vl1Constants.RELAY_MAX_HOPS;
import static io.zt4j.node.vl1.Vl1Constants.RX_QUEUE_SIZE;
import static io.zt4j.node.vl1.Vl1Constants.WHOIS_RETRY_DELAY_MILLIS;

import io.zt4j.node.NodeEvent;
import io.zt4j.node.identity.Address;
import io.zt4j.node.wire.CipherSuite;
import io.zt4j.node.wire.Fragment;
import io.zt4j.node.wire.InetAddress;
import io.zt4j.node.wire.Packet;
import io.zt4j.node.wire.Reassembler;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Datagrams in ({@code Switch::onRemotePacket} and {@code IncomingPacket::tryDecode}).
 *
 * <ol>
 *   <li>13-byte legacy beacons from known peers get a NOP (rate limited);
 *   <li>fragments and packets for other nodes are relayed (by roots, or over trusted paths) with
 *       the hop count incremented, up to {@link Vl1Constants#RELAY_MAX_HOPS}; a relay introduces
 *       the two ends with RENDEZVOUS;
 *   <li>our fragments are reassembled;
 *   <li>a packet is authenticated with the sender's key (a HELLO in the clear carries the key),
 *       decrypted, decompressed and handed to its verb's handler; a packet from an unknown sender
 *       waits (at most {@link Vl1Constants#RX_QUEUE_SIZE}, {@link Vl1Constants#RECEIVE_QUEUE_TIMEOUT_MILLIS})
 *       while WHOIS asks an upstream.
 * </ol>
 *
 * <p>Every datagram ends up handled or counted in {@link Vl1Counters} under a drop reason;
 * nothing here throws on bad input.
 */
final class Inbound {
  private record Waiting(Path path, byte[] packet, long source, long at, boolean authenticated) {}

  private final Vl1 vl1;
  private final ArrayDeque<Waiting> rxQueue = new ArrayDeque<>();
  private final Reassembler reassembler = Reassembler.withZeroTierDefaults();
  private final byte[] reassembled = new byte[Packet.MAX_LENGTH];
  private long lastBeaconResponseAt = Peer.NEVER;
  private long lastCheckedAt = Peer.NEVER;

  Inbound(Vl1 vl1) {
    this.vl1 = vl1;
  }

  void onRemotePacket(long localSocket, InetAddress from, byte[] data, int off, int len) {
    long now = vl1.now();
    Vl1Counters c = vl1.counters();
    c.datagramIn();
    if (from.isNil()) {
      c.count(Vl1Counters.Drop.RUNT);
      return;
    }
    Path path = vl1.topology().path(localSocket, from);
    path.received(now);

    if (len == LEGACY_BEACON_LENGTH) {
      beacon(path, data, off);
      return;
    }
    if (len <= Fragment.HEADER_LENGTH) {
      c.count(Vl1Counters.Drop.RUNT);
      return;
    }
    if (Packet.isFragment(data, off, len)) {
      long dest = Address.toLong(data, off + Fragment.IDX_DEST);
      if (dest != vl1.address()) {
        relay(path, data, off, len, true);
        return;
      }
      reassembled(path, reassembler.offerFragment(data, off, len, now, reassembled, 0));
      return;
    }
    if (len < PacketBuilder.IDX_PAYLOAD) {
      c.count(Vl1Counters.Drop.RUNT);
      return;
    }
    long dest = Address.toLong(data, off + PacketBuilder.IDX_DEST);
    long source = Address.toLong(data, off + PacketBuilder.IDX_SOURCE);
    if (source == vl1.address()) {
      c.count(Vl1Counters.Drop.FROM_SELF);
      return;
    }
    if (dest != vl1.address()) {
      relay(path, data, off, len, false);
      return;
    }
    if ((data[off + Packet.IDX_FLAGS] & Packet.FLAG_FRAGMENTED) != 0) {
      reassembled(path, reassembler.offerHead(data, off, len, now, reassembled, 0));
      return;
    }
    decodeOrQueue(path, Arrays.copyOfRange(data, off, off + len));
  }

  private void reassembled(Path path, int result) {
    if (result == Reassembler.PENDING) {
      vl1.wakeAt(vl1.now() + RECEIVE_QUEUE_TIMEOUT_MILLIS);
    } else if (result == Reassembler.DROPPED) {
      vl1.counters().count(Vl1Counters.Drop.BAD_FRAGMENT);
    } else if (result > 0) {
      decodeOrQueue(path, Arrays.copyOf(reassembled, result));
    }
  }

  private void beacon(Path path, byte[] data, int off) {
    long now = vl1.now();
    long addr = Address.toLong(data, off + 8);
    Peer peer = addr == vl1.address() || !vl1.shouldUsePath(addr, path.localSocket(), path.address())
        ? null : vl1.topology().peer(addr);
    if (peer == null || now - lastBeaconResponseAt < BEACON_RESPONSE_INTERVAL_MILLIS) {
      vl1.counters().count(Vl1Counters.Drop.BEACON_IGNORED);
      return;
    }
    lastBeaconResponseAt = now;
    PacketBuilder nop = vl1.newPacket(peer.address(), Verbs.NOP);
    peer.cipher().armor(nop, true, peer.useAes());
    vl1.sendOnPath(path, nop.buffer(), nop.size());
  }

  /** Forwards a packet or fragment addressed to someone else ({@code onRemotePacket}, relay part). */
  private void relay(Path path, byte[] data, int off, int len, boolean fragment) {
    long now = vl1.now();
    Vl1Counters c = vl1.counters();
    Topology t = vl1.topology();
    if (!t.amUpstream() && !path.trustEstablished(now)) {
      c.count(Vl1Counters.Drop.RELAY_NOT_ALLOWED);
      return;
    }
    byte[] copy = Arrays.copyOfRange(data, off, off + len);
    int hopsAt = fragment ? Fragment.IDX_HOPS : PacketBuilder.IDX_FLAGS;
    int hops = copy[hopsAt] & 0x07;
    if (hops >= RELAY_MAX_HOPS) {
      c.count(Vl1Counters.Drop.RELAY_MAX_HOPS);
      return;
    }
    copy[hopsAt] = (byte) ((copy[hopsAt] & 0xF8) | (hops + 1));
    long dest = Address.toLong(copy, fragment ? Fragment.IDX_DEST : PacketBuilder.IDX_DEST);
    long source = fragment ? 0 : Address.toLong(copy, PacketBuilder.IDX_SOURCE);
    Outbound out = vl1.outbound();
    Peer relayTo = t.peer(dest);
    if (relayTo != null && out.sendDirect(relayTo, copy, len, false)) {
      c.relayed();
      // Fragments never trigger introductions: their head does.
      if (!fragment && vl1.introducer().shouldUnite(source, dest, now)) {
        Peer sourcePeer = t.peer(source);
        if (sourcePeer != null) {
          vl1.introducer().introduce(relayTo, sourcePeer, now);
        }
      }
      return;
    }
    Peer upstream = t.bestUpstream(now);
    if (upstream != null && upstream.address() != source && out.sendDirect(upstream, copy, len, true)) {
      c.relayed();
      if (!fragment) {
        Peer sourcePeer = t.peer(source);
        if (sourcePeer != null) {
          vl1.introducer().introduce(upstream, sourcePeer, now);
        }
      }
      return;
    }
    c.count(Vl1Counters.Drop.RELAY_NO_ROUTE);
  }

  private void decodeOrQueue(Path path, byte[] packet) {
    decode(path, packet, false, vl1.now());
  }

  private void enqueue(Path path, byte[] packet, boolean authenticated, long at) {
    if (rxQueue.size() >= RX_QUEUE_SIZE) {
      rxQueue.pollFirst();
      vl1.counters().count(Vl1Counters.Drop.RX_QUEUE_EXPIRED);
    }
    rxQueue.addLast(new Waiting(path, packet, Address.toLong(packet, PacketBuilder.IDX_SOURCE), at, authenticated));
    vl1.wakeAt(vl1.now() + WHOIS_RETRY_DELAY_MILLIS);
  }

  /**
   * Authenticates and dispatches one complete packet ({@code IncomingPacket::tryDecode}), or
   * queues it if it must wait for an identity. {@code packet} is owned by this call (a private
   * copy, exactly the packet's length).
   *
   * @param authenticated the packet was already authenticated, decrypted and decompressed (a
   *     retry of one whose handler asked to wait)
   * @param at when it arrived (kept across retries for the queue timeout)
   */
  private void decode(Path path, byte[] packet, boolean authenticated, long at) {
    Vl1Counters c = vl1.counters();
    long source = Address.toLong(packet, PacketBuilder.IDX_SOURCE);
    if (authenticated) {
      Peer peer = vl1.topology().peer(source);
      if (peer == null) {
        enqueue(path, packet, true, at);
      } else if (!dispatch(new InboundPacket(path, packet, packet.length, peer, vl1.now()))) {
        enqueue(path, packet, true, at);
      }
      return;
    }
    int suite = (packet[PacketBuilder.IDX_FLAGS] >> 3) & 0x07;
    int verb = packet[PacketBuilder.IDX_VERB] & 0x1f;
    boolean trusted = false;
    if (suite == CipherSuite.TRUSTED_PATH.code) {
      // No crypto: accepted only from a configured trusted network carrying its id.
      if (!vl1.inboundPathTrusted(path.address(), java.nio.ByteBuffer.wrap(packet).getLong(PacketBuilder.IDX_MAC))) {
        c.count(Vl1Counters.Drop.UNTRUSTED_PATH);
        vl1.trace(NodeEvent.Trace.Kind.AUTHENTICATION_FAILED, source, path.address(), "path not trusted");
        return;
      }
      trusted = true;
    }
    if (suite == CipherSuite.POLY1305_NONE.code && verb == Verbs.HELLO) {
      try {
        HelloHandler.handleUnauthenticated(vl1, path, packet);
      } catch (PayloadReader.Truncated e) {
        c.count(Vl1Counters.Drop.MALFORMED);
      }
      return;
    }
    Peer peer = vl1.topology().peer(source);
    if (peer == null) {
      vl1.requestWhois(source);
      enqueue(path, packet, false, at);
      return;
    }
    int size = trusted ? packet.length : peer.cipher().dearmor(packet, packet.length);
    if (size < 0) {
      c.count(size == PeerCipher.UNKNOWN_SUITE ? Vl1Counters.Drop.UNKNOWN_CIPHER : Vl1Counters.Drop.AUTHENTICATION_FAILED);
      vl1.trace(NodeEvent.Trace.Kind.AUTHENTICATION_FAILED, source, path.address(), "invalid MAC");
      return;
    }
    byte[] plain = size == packet.length ? packet : Arrays.copyOf(packet, size);
    if ((plain[PacketBuilder.IDX_VERB] & 0x80) != 0) {
      byte[] room = Arrays.copyOf(plain, Packet.MAX_LENGTH);
      int n = vl1.compression().decompress(room, 0, plain.length);
      plain = n < 0 ? null : Arrays.copyOf(room, n);
      if (plain == null) {
        c.count(Vl1Counters.Drop.DECOMPRESSION_FAILED);
        vl1.trace(NodeEvent.Trace.Kind.PACKET_INVALID, source, path.address(), "LZ4 decompression failed");
        return;
      }
    }
    if (!dispatch(new InboundPacket(path, plain, plain.length, peer, vl1.now()))) {
      enqueue(path, plain, true, at);
    }
  }

  /** Runs the verb's handler on an authenticated packet. */
  boolean dispatch(InboundPacket p) {
    VerbHandler h = vl1.handler(p.verb());
    try {
      if (h == null) {
        vl1.counters().count(Vl1Counters.Drop.UNKNOWN_VERB);
        vl1.received(p, false);
        return true;
      }
      return h.handle(vl1, p);
    } catch (PayloadReader.Truncated e) {
      vl1.counters().count(Vl1Counters.Drop.MALFORMED);
      vl1.trace(NodeEvent.Trace.Kind.PACKET_INVALID, p.source(), p.path().address(),
          Verbs.name(p.verb()) + ": " + e.getMessage());
      return true;
    }
  }

  /** Retries packets that waited for {@code peer}'s identity ({@code doAnythingWaitingForPeer}). */
  void peerKnown(Peer peer) {
    retry(vl1.now(), false);
  }

  /** Retries, expires and re-WHOISes waiting packets every 500 ms while any wait. */
  long doTimerTasks(long now) {
    reassembler.expire(now);
    if (rxQueue.isEmpty()) {
      return reassembler.pending() == 0 ? Long.MAX_VALUE : now + RECEIVE_QUEUE_TIMEOUT_MILLIS;
    }
    if (now - lastCheckedAt < WHOIS_RETRY_DELAY_MILLIS) {
      return lastCheckedAt + WHOIS_RETRY_DELAY_MILLIS;
    }
    lastCheckedAt = now;
    retry(now, true);
    return rxQueue.isEmpty() ? Long.MAX_VALUE : now + WHOIS_RETRY_DELAY_MILLIS;
  }

  private void retry(long now, boolean whoisStillUnknown) {
    List<Waiting> snapshot = new ArrayList<>(rxQueue);
    rxQueue.clear();
    for (Waiting w : snapshot) {
      if (now - w.at() > RECEIVE_QUEUE_TIMEOUT_MILLIS) {
        vl1.counters().count(Vl1Counters.Drop.RX_QUEUE_EXPIRED);
      } else {
        decode(w.path(), w.packet(), w.authenticated(), w.at());
      }
    }
    if (whoisStillUnknown) {
      for (Waiting w : rxQueue) {
        if (vl1.topology().peer(w.source()) == null) {
          vl1.requestWhois(w.source());
        }
      }
    }
  }

  int waiting() {
    return rxQueue.size();
  }
}
