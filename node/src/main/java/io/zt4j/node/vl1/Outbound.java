package io.zt4j.node.vl1;

import static io.zt4j.node.vl1.Vl1Constants.TRANSMIT_QUEUE_TIMEOUT_MILLIS;
import static io.zt4j.node.vl1.Vl1Constants.TX_QUEUE_SIZE;
import static io.zt4j.node.vl1.Vl1Constants.WHOIS_RETRY_DELAY_MILLIS;

import io.zt4j.node.wire.Fragmenter;
import io.zt4j.node.wire.PacketArmor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Packets out ({@code Switch::send} and friends): to the peer's best live path, else through the
 * best upstream, else any remembered path; packets for peers we do not know yet wait (at most
 * {@link Vl1Constants#TX_QUEUE_SIZE}, {@link Vl1Constants#TRANSMIT_QUEUE_TIMEOUT_MILLIS}) while a
 * WHOIS is out. Armours each packet once and splits it into fragments for the physical MTU.
 */
final class Outbound {
  private record Queued(long destination, long createdAt, PacketBuilder packet, boolean encrypt) {}

  /** Most addresses with a WHOIS outstanding. */
  static final int MAX_WHOIS_PENDING = 1024;

  private final Vl1 vl1;
  private final ArrayDeque<Queued> txQueue = new ArrayDeque<>();
  private final Map<Long, Long> lastWhoisSentAt = new HashMap<>();
  private long lastCheckedQueuesAt = Peer.NEVER;
  /** Where fragments are written before each goes to the host (which copies or sends at once). */
  private byte[] fragmentBuffer = new byte[0];

  Outbound(Vl1 vl1) {
    this.vl1 = vl1;
  }

  /** Sends {@code p} to its destination, or queues it and asks who the destination is. */
  void send(PacketBuilder p, boolean encrypt) {
    long dest = p.destination();
    if (dest == vl1.address()) {
      return;
    }
    if (!trySend(p, encrypt)) {
      if (txQueue.size() >= TX_QUEUE_SIZE) {
        txQueue.pollFirst();
        vl1.counters().count(Vl1Counters.Drop.TX_QUEUE_EXPIRED);
      }
      txQueue.addLast(new Queued(dest, vl1.now(), p, encrypt));
      vl1.wakeAt(vl1.now() + WHOIS_RETRY_DELAY_MILLIS);
      if (vl1.topology().peer(dest) == null) {
        requestWhois(dest, vl1.now());
      }
    }
  }

  /** {@code Switch::_trySend}. */
  private boolean trySend(PacketBuilder p, boolean encrypt) {
    long now = vl1.now();
    Peer peer = vl1.topology().peer(p.destination());
    if (peer == null) {
      return false;
    }
    Path via = peer.bestPath(now, false);
    if (via == null) {
      peer.tryMemorizedPath(vl1, now);
      Peer relay = vl1.topology().bestUpstream(now);
      if (relay != null) {
        via = relay.bestPath(now, false);
      }
      if (via == null) {
        via = peer.bestPath(now, true);
        if (via == null) {
          return false;
        }
      }
    }
    sendViaPath(peer, via, p, encrypt);
    return true;
  }

  /**
   * Armours (once) and sends {@code p} over {@code via}, fragmenting above the MTU. Over a
   * configured trusted path the packet goes as suite 2 (no crypto, the path's id in the MAC
   * field; {@code Switch::_sendViaSpecificPath}); a packet marked so for one path and then sent
   * over another that is not trusted with the same id is armoured properly first (its payload is
   * still plain).
   */
  void sendViaPath(Peer peer, Path via, PacketBuilder p, boolean encrypt) {
    int mtu = via.physicalMtu();
    if (mtu == 0) {
      mtu = vl1.physicalMtu(via.address());
      via.physicalMtu(mtu);
    }
    boolean fragmented = p.size() > mtu;
    long trustedPathId = vl1.trustedPathIdFor(via.address());
    if (!p.armored() || (p.trustedPathId() != 0 && p.trustedPathId() != trustedPathId)) {
      PeerCipher.setFragmented(p, fragmented);
      if (trustedPathId != 0) {
        PacketArmor.armorTrusted(p.buffer(), 0, p.size(), trustedPathId);
        p.markTrusted(trustedPathId);
      } else {
        peer.cipher().armor(p, encrypt, peer.useAes());
      }
      // Unlike ZeroTier One 1.14, replies to trusted-path packets are expected too: it skips
      // expectReplyTo for them, so an OK(WHOIS) from a root on a trusted network is ignored.
      vl1.expectedReplies().expect(p.packetId());
    }
    if (!fragmented) {
      vl1.sendOnPath(via, p.buffer(), p.size());
      return;
    }
    byte[] buf = p.buffer();
    int len = p.size();
    if (!vl1.sendOnPath(via, buf, Fragmenter.headLength(len, mtu))) {
      return;
    }
    int total = Fragmenter.datagramCount(len, mtu);
    byte[] frag = fragmentBuffer.length >= mtu ? fragmentBuffer : (fragmentBuffer = new byte[mtu]);
    for (int n = 1; n < total; n++) {
      int flen = Fragmenter.writeFragment(buf, 0, len, mtu, n, frag, 0);
      vl1.sendOnPath(via, frag, flen);
    }
  }

  /** Sends raw (already armoured) bytes to {@code peer} over its best path; false if none. */
  boolean sendDirect(Peer peer, byte[] data, int len, boolean includeExpired) {
    Path p = peer.bestPath(vl1.now(), includeExpired);
    return p != null && vl1.sendOnPath(p, data, len);
  }

  /**
   * {@code Switch::requestWhois}: ask the best upstream, at most every 500 ms per address, and
   * for at most {@link #MAX_WHOIS_PENDING} addresses at once (packets from made-up senders
   * cannot make us flood our root).
   */
  void requestWhois(long address, long now) {
    if (address == vl1.address()) {
      return;
    }
    Long last = lastWhoisSentAt.get(address);
    if (last != null && now - last < WHOIS_RETRY_DELAY_MILLIS) {
      return;
    }
    if (last == null && lastWhoisSentAt.size() >= MAX_WHOIS_PENDING) {
      clean(now);
      if (lastWhoisSentAt.size() >= MAX_WHOIS_PENDING) {
        vl1.counters().count(Vl1Counters.Drop.RATE_LIMITED);
        return;
      }
    }
    lastWhoisSentAt.put(address, now);
    Peer upstream = vl1.topology().bestUpstream(now);
    if (upstream != null) {
      PacketBuilder w = vl1.newPacket(upstream.address(), Verbs.WHOIS);
      w.address(address);
      send(w, true);
    }
  }

  /**
   * An upstream answered for the first time (we went online): packets queued because no path
   * led anywhere yet — typically the WHOIS a node asks right after starting, queued for the root
   * it has not heard from — are retried at the next background run instead of at the next 500 ms
   * queue check. The packets and their order are what the timer would have sent.
   */
  void upstreamReachable() {
    if (!txQueue.isEmpty()) {
      lastCheckedQueuesAt = Peer.NEVER;
      vl1.wakeAt(vl1.now());
    }
  }

  /** Sends what waited for {@code peer}'s identity ({@code doAnythingWaitingForPeer}, tx part). */
  void peerKnown(Peer peer) {
    lastWhoisSentAt.remove(peer.address());
    for (Iterator<Queued> it = txQueue.iterator(); it.hasNext(); ) {
      Queued q = it.next();
      if (q.destination() == peer.address() && trySend(q.packet(), q.encrypt())) {
        it.remove();
      }
    }
  }

  /**
   * Every 500 ms while anything waits: retries queued packets, expires old ones, repeats WHOIS.
   *
   * @return absolute time this wants to run next
   */
  long doTimerTasks(long now) {
    if (txQueue.isEmpty()) {
      return Long.MAX_VALUE;
    }
    if (now - lastCheckedQueuesAt < WHOIS_RETRY_DELAY_MILLIS) {
      return lastCheckedQueuesAt + WHOIS_RETRY_DELAY_MILLIS;
    }
    lastCheckedQueuesAt = now;
    List<Long> needWhois = new ArrayList<>();
    for (Iterator<Queued> it = txQueue.iterator(); it.hasNext(); ) {
      Queued q = it.next();
      if (trySend(q.packet(), q.encrypt())) {
        it.remove();
      } else if (now - q.createdAt() > TRANSMIT_QUEUE_TIMEOUT_MILLIS) {
        it.remove();
        vl1.counters().count(Vl1Counters.Drop.TX_QUEUE_EXPIRED);
      } else if (vl1.topology().peer(q.destination()) == null) {
        needWhois.add(q.destination());
      }
    }
    for (long a : needWhois) {
      requestWhois(a, now);
    }
    return txQueue.isEmpty() ? Long.MAX_VALUE : now + WHOIS_RETRY_DELAY_MILLIS;
  }

  /** Forgets WHOIS rate-limit entries that no longer matter. */
  void clean(long now) {
    lastWhoisSentAt.values().removeIf(t -> now - t > WHOIS_RETRY_DELAY_MILLIS * 2);
  }

  int queued() {
    return txQueue.size();
  }
}
