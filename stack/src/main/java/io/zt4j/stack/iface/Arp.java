package io.zt4j.stack.iface;

import io.zt4j.stack.ip.StackStats;
import io.zt4j.stack.ip.StackStats.Counter;
import io.zt4j.stack.ip.StackStats.Layer;
import io.zt4j.stack.wire.ArpPacket;
import io.zt4j.stack.wire.EtherType;
import io.zt4j.stack.wire.EthernetFrame;
import io.zt4j.stack.wire.IpAddress;
import io.zt4j.stack.wire.MacAddress;
import io.zt4j.stack.wire.WireError;

/**
 * ARP (RFC 826) for the IPv4 side of each interface's {@link NeighborCache}: answers requests
 * for our addresses, merges senders into the cache, sends requests and gratuitous announcements
 * (RFC 5227 §3). Owner-thread only.
 */
final class Arp {
  private final IpCore core;
  private final StackStats stats;
  private final ArpPacket pkt = new ArpPacket();

  Arp(IpCore core) {
    this.core = core;
    this.stats = core.stats();
  }

  void input(Interface ifc, long ethSrc, byte[] buf, int off, int len, long now) {
    ArpPacket p = pkt;
    if (!p.wrap(buf, off, len)) {
      stats.malformed(Layer.ARP, p.error());
      return;
    }
    stats.count(Counter.ARP_IN);
    int op = p.operation();
    if (op != ArpPacket.OP_REQUEST && op != ArpPacket.OP_REPLY) {
      stats.malformed(Layer.ARP, WireError.UNSUPPORTED);
      return;
    }
    long sha = p.senderMac();
    int spa = p.senderIp();
    int tpa = p.targetIp();
    if (!MacAddress.isUnicast(sha) || sha == ifc.mac()) {
      stats.malformed(Layer.ARP, WireError.BAD_OPTION);
      return;
    }
    if (ifc.isOwnV4(spa)) {
      stats.count(Counter.DROP_ARP_NOT_FOR_US); // someone else claims our address
      return;
    }
    boolean forUs = ifc.isOwnV4(tpa);
    if (spa != 0 && (spa >>> 28) < 0xE && spa != -1) {
      long lo = IpAddress.v4Lo(spa);
      if (op == ArpPacket.OP_REPLY) {
        ifc.neighbors.confirmed(0, lo, sha, forUs, true, now); // no-op without an entry
      }
      ifc.neighbors.learned(0, lo, sha, forUs, now);
    }
    if (op == ArpPacket.OP_REQUEST && forUs) {
      send(ifc, ArpPacket.OP_REPLY, tpa, sha, spa, sha);
    } else if (!forUs) {
      stats.count(Counter.DROP_ARP_NOT_FOR_US);
    }
  }

  /** Asks who has {@code targetIp}: broadcast, or unicast to {@code unicastMac} when >= 0 (a probe). */
  void request(Interface ifc, int targetIp, long unicastMac) {
    if (!ifc.hasV4()) {
      return;
    }
    int spa = ifc.sourceV4For(targetIp);
    send(ifc, ArpPacket.OP_REQUEST, spa, 0, targetIp, unicastMac >= 0 ? unicastMac : MacAddress.BROADCAST);
  }

  /** Gratuitous ARP: a broadcast request for our own new address (RFC 5227 §3 announcement). */
  void announce(Interface ifc, int ip) {
    send(ifc, ArpPacket.OP_REQUEST, ip, 0, ip, MacAddress.BROADCAST);
  }

  private void send(Interface ifc, int op, int spa, long tha, int tpa, long dstMac) {
    byte[] b = core.solicitBuffer;
    int frame = core.headroom();
    ArpPacket.write(b, frame + EthernetFrame.HEADER_LEN, op, ifc.mac(), spa, tha, tpa);
    stats.count(Counter.ARP_OUT);
    core.transmitControl(ifc, b, frame, EthernetFrame.HEADER_LEN + ArpPacket.LENGTH, dstMac, EtherType.ARP);
  }
}
