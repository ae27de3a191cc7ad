package io.zt4j.stack.iface;

import io.zt4j.stack.ip.IpParams;
import io.zt4j.stack.ip.StackStats;
import io.zt4j.stack.ip.StackStats.Counter;
import io.zt4j.stack.wire.Bytes;
import io.zt4j.stack.wire.EtherType;
import io.zt4j.stack.wire.EthernetFrame;
import io.zt4j.stack.wire.Icmpv6Packet;
import io.zt4j.stack.wire.Icmpv6Repr;
import io.zt4j.stack.wire.IpAddress;
import io.zt4j.stack.wire.IpProtocol;
import io.zt4j.stack.wire.Ipv6HeaderChain;
import io.zt4j.stack.wire.Ipv6Packet;
import io.zt4j.stack.wire.NdpOptions;
import java.util.List;

/**
 * Neighbor Discovery for hosts (RFC 4861) on top of each interface's {@link NeighborCache}:
 * validates NDP messages (§6.1.2, §7.1), answers solicitations for our addresses (including
 * duplicate address detection probes, which we defend), learns link-layer addresses from
 * solicitations, advertisements and router advertisements, and sends solicitations. MLDv2
 * reports (RFC 3810) announce groups sockets join; MLD queries are answered (RFC 2710 §4 /
 * RFC 3810 §6.2).
 *
 * <p>Not done, on purpose: duplicate address detection for our own addresses (virtual network
 * addresses are assigned uniquely by the network controller), stateless autoconfiguration and
 * default routers from RAs (addresses and routes come from the network config), redirects.
 * Owner-thread only.
 */
final class Ndp {
  static final int NDP_HOP_LIMIT = 255;

  private final IpCore core;
  private final StackStats stats;
  private final NdpOptions opts = new NdpOptions();
  private final IpParams params = new IpParams();

  Ndp(IpCore core) {
    this.core = core;
    this.stats = core.stats();
  }

  void input(Interface ifc, PacketInfo pi, Icmpv6Packet p, long now) {
    stats.count(Counter.NDP_IN);
    if (pi.hopLimit != NDP_HOP_LIMIT || p.code() != 0) {
      stats.count(Counter.DROP_NDP_INVALID);
      return;
    }
    byte[] b = p.buffer();
    int o = p.offset();
    int end = o + p.length();
    boolean srcUnspecified = pi.srcHi == 0 && pi.srcLo == 0;
    switch (p.type()) {
      case Icmpv6Packet.TYPE_NEIGHBOR_SOLICITATION -> {
        long th = p.targetHi();
        long tl = p.targetLo();
        if ((th >>> 56) == 0xFF || !opts.parse(b, o + Icmpv6Packet.NS_NA_OPTIONS, end)
            || (srcUnspecified && (!isSolicitedNode(pi.dstHi, pi.dstLo) || opts.sourceMac >= 0))) {
          stats.count(Counter.DROP_NDP_INVALID);
          return;
        }
        if (!ifc.isOwnV6(th, tl)) {
          return; // not our address
        }
        if (!srcUnspecified && opts.sourceMac >= 0) {
          ifc.neighbors.learned(pi.srcHi, pi.srcLo, opts.sourceMac, true, now);
        }
        advertise(ifc, th, tl, srcUnspecified ? IpAddress.ALL_NODES.hi() : pi.srcHi,
            srcUnspecified ? IpAddress.ALL_NODES.lo() : pi.srcLo, !srcUnspecified, now);
      }
      case Icmpv6Packet.TYPE_NEIGHBOR_ADVERTISEMENT -> {
        long th = p.targetHi();
        long tl = p.targetLo();
        int flags = p.byte4();
        boolean solicited = (flags & Icmpv6Packet.NA_SOLICITED) != 0;
        if ((th >>> 56) == 0xFF || (pi.multicast && solicited) || !opts.parse(b, o + Icmpv6Packet.NS_NA_OPTIONS, end)) {
          stats.count(Counter.DROP_NDP_INVALID);
          return;
        }
        if (ifc.isOwnV6(th, tl)) {
          stats.count(Counter.DROP_NDP_INVALID); // someone else claims our address
          return;
        }
        ifc.neighbors.confirmed(th, tl, opts.targetMac, solicited, (flags & Icmpv6Packet.NA_OVERRIDE) != 0, now);
      }
      case Icmpv6Packet.TYPE_ROUTER_ADVERTISEMENT -> {
        boolean linkLocalSrc = (pi.srcHi >>> 54) == (0xFE80L >>> 6);
        if (!linkLocalSrc || !opts.parse(b, o + Icmpv6Packet.RA_OPTIONS, end)) {
          stats.count(Counter.DROP_NDP_INVALID);
          return;
        }
        if (opts.sourceMac >= 0) {
          ifc.neighbors.learned(pi.srcHi, pi.srcLo, opts.sourceMac, true, now);
        }
      }
      default -> {} // router solicitations and redirects: hosts ignore them
    }
  }

  static boolean isSolicitedNode(long hi, long lo) {
    return hi == 0xFF02_0000_0000_0000L && (lo & 0xFFFF_FFFF_FF00_0000L) == 0x0000_0001_FF00_0000L;
  }

  /** Sends a neighbor advertisement for our address {@code target} (R=0, O=1, S as given). */
  private void advertise(Interface ifc, long th, long tl, long dh, long dl, boolean solicited, long now) {
    byte[] tx = core.txBuffer();
    int t = core.transportOffset();
    int len = Icmpv6Packet.NS_NA_OPTIONS + 8;
    int flags = Icmpv6Packet.NA_OVERRIDE | (solicited ? Icmpv6Packet.NA_SOLICITED : 0);
    Bytes.put64(tx, t + 8, th);
    Bytes.put64(tx, t + 16, tl);
    NdpOptions.writeLinkLayerAddress(tx, t + 24, NdpOptions.TARGET_LL_ADDR, ifc.mac());
    Icmpv6Packet.write(tx, t, Icmpv6Packet.TYPE_NEIGHBOR_ADVERTISEMENT, 0, flags << 24, len, th, tl, dh, dl);
    params.src(th, tl).dst(dh, dl).protocol(IpProtocol.ICMPV6).hopLimit(NDP_HOP_LIMIT).trafficClass(0)
        .dontFragment(false).interfaceIndex(ifc.index());
    stats.count(Counter.NDP_OUT);
    core.send(params, tx, t, len, now);
  }

  /**
   * Sends a neighbor solicitation for {@code (th, tl)}: to its solicited-node group, or unicast
   * to {@code unicastMac} when >= 0 (reachability probe).
   */
  void solicit(Interface ifc, long th, long tl, long unicastMac) {
    IpAddress src = ifc.sourceV6For(th, tl);
    if (src == null) {
      return;
    }
    long dh;
    long dl;
    long dstMac;
    if (unicastMac >= 0) {
      dh = th;
      dl = tl;
      dstMac = unicastMac;
    } else {
      dh = 0xFF02_0000_0000_0000L;
      dl = 0x0000_0001_FF00_0000L | (tl & 0xFF_FFFFL);
      dstMac = 0x3333_0000_0000L | (dl & 0xFFFF_FFFFL);
    }
    byte[] b = core.solicitBuffer;
    int frame = core.headroom();
    int ip = frame + EthernetFrame.HEADER_LEN;
    int icmp = ip + Ipv6Packet.HEADER_LEN;
    int len = Icmpv6Packet.NS_NA_OPTIONS + 8;
    Bytes.put64(b, icmp + 8, th);
    Bytes.put64(b, icmp + 16, tl);
    NdpOptions.writeLinkLayerAddress(b, icmp + 24, NdpOptions.SOURCE_LL_ADDR, ifc.mac());
    Icmpv6Packet.write(b, icmp, Icmpv6Packet.TYPE_NEIGHBOR_SOLICITATION, 0, 0, len, src.hi(), src.lo(), dh, dl);
    Ipv6Packet.writeHeader(b, ip, 0, 0, len, IpProtocol.ICMPV6, NDP_HOP_LIMIT, src.hi(), src.lo(), dh, dl);
    stats.count(Counter.NDP_OUT);
    core.transmitControl(ifc, b, frame, EthernetFrame.HEADER_LEN + Ipv6Packet.HEADER_LEN + len, dstMac, EtherType.IPV6);
  }

  /** Whether MLD ever reports {@code group}: never all-nodes or interface-local groups (RFC 3810 §6). */
  static boolean reportable(IpAddress group) {
    return !group.isV4() && !(group.isLinkLocalMulticast() && (group.equals(IpAddress.ALL_NODES) || group.hi() >>> 48 == 0xFF01));
  }

  /**
   * Sends an MLDv2 report (RFC 3810 §5.2) for one group: CHANGE_TO_EXCLUDE({}) on join,
   * CHANGE_TO_INCLUDE({}) on leave; hop limit 1, Router Alert, to ff02::16.
   */
  void sendMldReport(Interface ifc, IpAddress group, boolean join) {
    if (!reportable(group)) {
      return;
    }
    sendMld(ifc, new Icmpv6Repr.MldReport(List.of(new Icmpv6Repr.MldReport.Record(
        join ? Icmpv6Repr.MldReport.CHANGE_TO_EXCLUDE : Icmpv6Repr.MldReport.CHANGE_TO_INCLUDE, group, List.of()))),
        IpAddress.ALL_MLDV2_ROUTERS);
  }

  /** Records per MLDv2 report, so one fits the control buffer (8 + 20 each, after 8 of Hop-by-Hop). */
  static final int MLD_RECORDS_PER_REPORT = 10;

  /**
   * A Multicast Listener Query arrived (RFC 2710 §4, RFC 3810 §6.2): validated (link-local source,
   * a v1 or v2 length), it schedules our answer at a random moment within its maximum response
   * delay; the answer is sent by {@link #sendMldAnswer} from the stack's poll. A general query
   * (group ::) asks for every group we listen to, a specific one for that group only if we do.
   */
  void mldQuery(Interface ifc, PacketInfo pi, Icmpv6Packet p, long now) {
    IpAddress src = IpAddress.of(pi.srcHi, pi.srcLo);
    int len = p.length();
    if (!src.isLinkLocal() || (len != 24 && len < 28)) {
      stats.count(Counter.DROP_ICMP_UNHANDLED);
      return;
    }
    IpAddress group = p.target();
    boolean general = group.equals(IpAddress.ANY_V6);
    if (!general && (!reportable(group) || !ifc.multicastGroups().contains(group))) {
      return; // not ours to answer
    }
    boolean v1 = len == 24;
    int code = Bytes.u16(p.buffer(), p.offset() + 4);
    long maxDelayMillis = v1 || code < 0x8000 ? code : (long) ((code & 0x0FFF) | 0x1000) << (((code >>> 12) & 7) + 3);
    long at = now + (maxDelayMillis <= 0 ? 0 : core.random().nextLong(maxDelayMillis * 1_000_000L));
    ifc.scheduleMldAnswer(general ? null : group, v1, at);
  }

  /** Sends the answer {@link #mldQuery} scheduled: MLDv1 reports to each group, or MLDv2 reports. */
  void sendMldAnswer(Interface ifc, IpAddress onlyGroup, boolean v1) {
    List<IpAddress> groups = new java.util.ArrayList<>();
    for (IpAddress g : ifc.multicastGroups()) {
      if (reportable(g) && (onlyGroup == null || g.equals(onlyGroup))) {
        groups.add(g);
      }
    }
    if (v1) {
      for (IpAddress g : groups) {
        sendMld(ifc, new Icmpv6Repr.MldV1Report(g), g);
      }
      return;
    }
    for (int i = 0; i < groups.size(); i += MLD_RECORDS_PER_REPORT) {
      List<Icmpv6Repr.MldReport.Record> records = new java.util.ArrayList<>();
      for (IpAddress g : groups.subList(i, Math.min(groups.size(), i + MLD_RECORDS_PER_REPORT))) {
        records.add(new Icmpv6Repr.MldReport.Record(Icmpv6Repr.MldReport.MODE_IS_EXCLUDE, g, List.of()));
      }
      sendMld(ifc, new Icmpv6Repr.MldReport(records), IpAddress.ALL_MLDV2_ROUTERS);
    }
  }

  /** Sends an MLD message from our link-local address: hop limit 1, Router Alert. */
  private void sendMld(Interface ifc, Icmpv6Repr report, IpAddress dst) {
    IpAddress src = ifc.linkLocalAddress() != null ? ifc.linkLocalAddress() : IpAddress.ANY_V6;
    byte[] b = core.solicitBuffer;
    int frame = core.headroom();
    int ip = frame + EthernetFrame.HEADER_LEN;
    int hbh = ip + Ipv6Packet.HEADER_LEN;
    int icmp = hbh + 8;
    int len = report.emit(b, icmp, src, dst);
    Ipv6HeaderChain.writeRouterAlertHopByHop(b, hbh, IpProtocol.ICMPV6);
    Ipv6Packet.writeHeader(b, ip, 0, 0, 8 + len, IpProtocol.HOPOPT, 1, src.hi(), src.lo(), dst.hi(), dst.lo());
    core.transmitControl(ifc, b, frame, EthernetFrame.HEADER_LEN + Ipv6Packet.HEADER_LEN + 8 + len,
        dst.multicastMac(), EtherType.IPV6);
  }
}
