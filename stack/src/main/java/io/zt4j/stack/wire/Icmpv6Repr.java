package io.zt4j.stack.wire;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Parsed ICMPv6 messages the stack handles: echo, errors, Neighbor Discovery and MLD. Byte
 * arrays are copies. MAC fields hold -1 when the option is absent.
 */
public sealed interface Icmpv6Repr {
  int type();

  int code();

  /** Message length in bytes. */
  int bufferLength();

  /** Writes bytes 4.. of the message (after type, code, checksum). */
  void writeBody(byte[] buf, int off);

  /** Writes the message at {@code off} with its checksum for these addresses; returns its length. */
  default int emit(byte[] buf, int off, IpAddress src, IpAddress dst) {
    int len = bufferLength();
    buf[off] = (byte) type();
    buf[off + 1] = (byte) code();
    writeBody(buf, off);
    Icmpv6Packet.fillChecksum(buf, off, len, src.hi(), src.lo(), dst.hi(), dst.lo());
    return len;
  }

  /** Parses a wrapped message; unknown types, or malformed NDP/MLD bodies, give {@code null}. */
  static Icmpv6Repr parse(Icmpv6Packet p) {
    byte[] b = p.buffer();
    int o = p.offset();
    int end = o + p.length();
    byte[] data = Arrays.copyOfRange(b, p.dataOffset(), end);
    NdpOptions opts = new NdpOptions();
    return switch (p.type()) {
      case Icmpv6Packet.TYPE_ECHO_REQUEST -> new EchoRequest(p.echoIdentifier(), p.echoSequence(), data);
      case Icmpv6Packet.TYPE_ECHO_REPLY -> new EchoReply(p.echoIdentifier(), p.echoSequence(), data);
      case Icmpv6Packet.TYPE_DEST_UNREACHABLE -> new DestinationUnreachable(p.code(), data);
      case Icmpv6Packet.TYPE_PACKET_TOO_BIG -> new PacketTooBig(p.mtu(), data);
      case Icmpv6Packet.TYPE_TIME_EXCEEDED -> new TimeExceeded(p.code(), data);
      case Icmpv6Packet.TYPE_PARAMETER_PROBLEM -> new ParameterProblem(p.code(), p.pointer(), data);
      case Icmpv6Packet.TYPE_ROUTER_SOLICITATION ->
          opts.parse(b, o + Icmpv6Packet.RS_OPTIONS, end) ? new RouterSolicitation(opts.sourceMac) : null;
      case Icmpv6Packet.TYPE_ROUTER_ADVERTISEMENT ->
          opts.parse(b, o + Icmpv6Packet.RA_OPTIONS, end)
              ? new RouterAdvertisement(
                  p.byte4(), (p.byte5() & 0x80) != 0, (p.byte5() & 0x40) != 0, p.routerLifetime(), p.reachableTime(),
                  p.retransTimer(), opts.sourceMac, opts.mtu, opts.prefixes())
              : null;
      case Icmpv6Packet.TYPE_NEIGHBOR_SOLICITATION ->
          opts.parse(b, o + Icmpv6Packet.NS_NA_OPTIONS, end) ? new NeighborSolicitation(p.target(), opts.sourceMac) : null;
      case Icmpv6Packet.TYPE_NEIGHBOR_ADVERTISEMENT ->
          opts.parse(b, o + Icmpv6Packet.NS_NA_OPTIONS, end)
              ? new NeighborAdvertisement(
                  (p.byte4() & Icmpv6Packet.NA_ROUTER) != 0, (p.byte4() & Icmpv6Packet.NA_SOLICITED) != 0,
                  (p.byte4() & Icmpv6Packet.NA_OVERRIDE) != 0, p.target(), opts.targetMac)
              : null;
      case Icmpv6Packet.TYPE_MLD_QUERY -> new MldQuery(Bytes.u16(b, o + 4), p.target());
      case Icmpv6Packet.TYPE_MLDV2_REPORT -> MldReport.parse(b, o, end);
      case Icmpv6Packet.TYPE_MLD_REPORT -> p.length() >= 24 ? new MldV1Report(p.target()) : null;
      default -> null;
    };
  }

  record EchoRequest(int identifier, int sequence, byte[] data) implements Icmpv6Repr {
    public int type() {
      return Icmpv6Packet.TYPE_ECHO_REQUEST;
    }

    public int code() {
      return 0;
    }

    public int bufferLength() {
      return 8 + data.length;
    }

    public void writeBody(byte[] buf, int off) {
      Bytes.put16(buf, off + 4, identifier);
      Bytes.put16(buf, off + 6, sequence);
      System.arraycopy(data, 0, buf, off + 8, data.length);
    }
  }

  record EchoReply(int identifier, int sequence, byte[] data) implements Icmpv6Repr {
    public int type() {
      return Icmpv6Packet.TYPE_ECHO_REPLY;
    }

    public int code() {
      return 0;
    }

    public int bufferLength() {
      return 8 + data.length;
    }

    public void writeBody(byte[] buf, int off) {
      Bytes.put16(buf, off + 4, identifier);
      Bytes.put16(buf, off + 6, sequence);
      System.arraycopy(data, 0, buf, off + 8, data.length);
    }
  }

  /** {@code data} is the quoted invoking packet. */
  record DestinationUnreachable(int code, byte[] data) implements Icmpv6Repr {
    public int type() {
      return Icmpv6Packet.TYPE_DEST_UNREACHABLE;
    }

    public int bufferLength() {
      return 8 + data.length;
    }

    public void writeBody(byte[] buf, int off) {
      Bytes.put32(buf, off + 4, 0);
      System.arraycopy(data, 0, buf, off + 8, data.length);
    }
  }

  record PacketTooBig(long mtu, byte[] data) implements Icmpv6Repr {
    public int type() {
      return Icmpv6Packet.TYPE_PACKET_TOO_BIG;
    }

    public int code() {
      return 0;
    }

    public int bufferLength() {
      return 8 + data.length;
    }

    public void writeBody(byte[] buf, int off) {
      Bytes.put32(buf, off + 4, (int) mtu);
      System.arraycopy(data, 0, buf, off + 8, data.length);
    }
  }

  record TimeExceeded(int code, byte[] data) implements Icmpv6Repr {
    public int type() {
      return Icmpv6Packet.TYPE_TIME_EXCEEDED;
    }

    public int bufferLength() {
      return 8 + data.length;
    }

    public void writeBody(byte[] buf, int off) {
      Bytes.put32(buf, off + 4, 0);
      System.arraycopy(data, 0, buf, off + 8, data.length);
    }
  }

  record ParameterProblem(int code, long pointer, byte[] data) implements Icmpv6Repr {
    public int type() {
      return Icmpv6Packet.TYPE_PARAMETER_PROBLEM;
    }

    public int bufferLength() {
      return 8 + data.length;
    }

    public void writeBody(byte[] buf, int off) {
      Bytes.put32(buf, off + 4, (int) pointer);
      System.arraycopy(data, 0, buf, off + 8, data.length);
    }
  }

  /** RFC 4861 §4.1. */
  record RouterSolicitation(long sourceMac) implements Icmpv6Repr {
    public int type() {
      return Icmpv6Packet.TYPE_ROUTER_SOLICITATION;
    }

    public int code() {
      return 0;
    }

    public int bufferLength() {
      return 8 + (sourceMac >= 0 ? 8 : 0);
    }

    public void writeBody(byte[] buf, int off) {
      Bytes.put32(buf, off + 4, 0);
      if (sourceMac >= 0) {
        NdpOptions.writeLinkLayerAddress(buf, off + 8, NdpOptions.SOURCE_LL_ADDR, sourceMac);
      }
    }
  }

  /**
   * RFC 4861 §4.2. Lifetime in seconds; reachable and retrans times in milliseconds; {@code mtu}
   * -1 when absent.
   */
  record RouterAdvertisement(
      int curHopLimit, boolean managed, boolean other, int routerLifetime, long reachableTime, long retransTimer,
      long sourceMac, long mtu, List<NdpOptions.PrefixInfo> prefixes) implements Icmpv6Repr {
    public RouterAdvertisement {
      prefixes = List.copyOf(prefixes);
    }

    public int type() {
      return Icmpv6Packet.TYPE_ROUTER_ADVERTISEMENT;
    }

    public int code() {
      return 0;
    }

    public int bufferLength() {
      return 16 + (sourceMac >= 0 ? 8 : 0) + (mtu >= 0 ? 8 : 0) + 32 * prefixes.size();
    }

    public void writeBody(byte[] buf, int off) {
      buf[off + 4] = (byte) curHopLimit;
      buf[off + 5] = (byte) ((managed ? 0x80 : 0) | (other ? 0x40 : 0));
      Bytes.put16(buf, off + 6, routerLifetime);
      Bytes.put32(buf, off + 8, (int) reachableTime);
      Bytes.put32(buf, off + 12, (int) retransTimer);
      int p = off + 16;
      if (sourceMac >= 0) {
        p += NdpOptions.writeLinkLayerAddress(buf, p, NdpOptions.SOURCE_LL_ADDR, sourceMac);
      }
      if (mtu >= 0) {
        p += NdpOptions.writeMtu(buf, p, mtu);
      }
      for (NdpOptions.PrefixInfo pi : prefixes) {
        p += pi.emit(buf, p);
      }
    }
  }

  /** RFC 4861 §4.3. */
  record NeighborSolicitation(IpAddress target, long sourceMac) implements Icmpv6Repr {
    public int type() {
      return Icmpv6Packet.TYPE_NEIGHBOR_SOLICITATION;
    }

    public int code() {
      return 0;
    }

    public int bufferLength() {
      return 24 + (sourceMac >= 0 ? 8 : 0);
    }

    public void writeBody(byte[] buf, int off) {
      Bytes.put32(buf, off + 4, 0);
      target.write(buf, off + 8);
      if (sourceMac >= 0) {
        NdpOptions.writeLinkLayerAddress(buf, off + 24, NdpOptions.SOURCE_LL_ADDR, sourceMac);
      }
    }
  }

  /** RFC 4861 §4.4. */
  record NeighborAdvertisement(boolean router, boolean solicited, boolean override, IpAddress target, long targetMac)
      implements Icmpv6Repr {
    public int type() {
      return Icmpv6Packet.TYPE_NEIGHBOR_ADVERTISEMENT;
    }

    public int code() {
      return 0;
    }

    public int bufferLength() {
      return 24 + (targetMac >= 0 ? 8 : 0);
    }

    public void writeBody(byte[] buf, int off) {
      int flags = (router ? Icmpv6Packet.NA_ROUTER : 0) | (solicited ? Icmpv6Packet.NA_SOLICITED : 0)
          | (override ? Icmpv6Packet.NA_OVERRIDE : 0);
      Bytes.put32(buf, off + 4, flags << 24);
      target.write(buf, off + 8);
      if (targetMac >= 0) {
        NdpOptions.writeLinkLayerAddress(buf, off + 24, NdpOptions.TARGET_LL_ADDR, targetMac);
      }
    }
  }

  /**
   * MLD query (RFC 2710 §3 / RFC 3810 §5.1; the MLDv2 tail is not kept). {@code group} :: is a
   * general query.
   */
  record MldQuery(int maxResponseCode, IpAddress group) implements Icmpv6Repr {
    public int type() {
      return Icmpv6Packet.TYPE_MLD_QUERY;
    }

    public int code() {
      return 0;
    }

    public int bufferLength() {
      return 24;
    }

    public void writeBody(byte[] buf, int off) {
      Bytes.put16(buf, off + 4, maxResponseCode);
      Bytes.put16(buf, off + 6, 0);
      group.write(buf, off + 8);
    }
  }

  /** MLDv1 report (RFC 2710 §3): the group we listen to, sent to that group. */
  record MldV1Report(IpAddress group) implements Icmpv6Repr {
    public int type() {
      return Icmpv6Packet.TYPE_MLD_REPORT;
    }

    public int code() {
      return 0;
    }

    public int bufferLength() {
      return 24;
    }

    public void writeBody(byte[] buf, int off) {
      Bytes.put16(buf, off + 4, 0);
      Bytes.put16(buf, off + 6, 0);
      group.write(buf, off + 8);
    }
  }

  /**
   * MLDv2 report (RFC 3810 §5.2).
   *
   * <pre>
   * | 143 | 0 | checksum | reserved (2) | number of records (2) | records...
   * record: | type | aux len | number of sources (2) | multicast address (16) | sources (16 each) | aux
   * </pre>
   */
  record MldReport(List<Record> records) implements Icmpv6Repr {
    /** Record types (RFC 3810 §5.2.12). */
    public static final int MODE_IS_INCLUDE = 1;
    public static final int MODE_IS_EXCLUDE = 2;
    public static final int CHANGE_TO_INCLUDE = 3;
    public static final int CHANGE_TO_EXCLUDE = 4;

    public MldReport {
      records = List.copyOf(records);
    }

    public record Record(int recordType, IpAddress group, List<IpAddress> sources) {
      public Record {
        sources = List.copyOf(sources);
      }
    }

    static MldReport parse(byte[] b, int o, int end) {
      int n = Bytes.u16(b, o + 6);
      int p = o + 8;
      List<Record> out = new ArrayList<>(Math.min(n, 64));
      for (int i = 0; i < n; i++) {
        if (end - p < 20) {
          return null;
        }
        int type = b[p] & 0xFF;
        int aux = (b[p + 1] & 0xFF) * 4;
        int ns = Bytes.u16(b, p + 2);
        long need = 20L + 16L * ns + aux;
        if (need > end - p) {
          return null;
        }
        List<IpAddress> src = new ArrayList<>(ns);
        for (int s = 0; s < ns; s++) {
          src.add(IpAddress.readV6(b, p + 20 + 16 * s));
        }
        out.add(new Record(type, IpAddress.readV6(b, p + 4), src));
        p += (int) need;
      }
      return new MldReport(out);
    }

    public int type() {
      return Icmpv6Packet.TYPE_MLDV2_REPORT;
    }

    public int code() {
      return 0;
    }

    public int bufferLength() {
      int len = 8;
      for (Record r : records) {
        len += 20 + 16 * r.sources.size();
      }
      return len;
    }

    public void writeBody(byte[] buf, int off) {
      Bytes.put16(buf, off + 4, 0);
      Bytes.put16(buf, off + 6, records.size());
      int p = off + 8;
      for (Record r : records) {
        buf[p] = (byte) r.recordType;
        buf[p + 1] = 0;
        Bytes.put16(buf, p + 2, r.sources.size());
        r.group.write(buf, p + 4);
        p += 20;
        for (IpAddress s : r.sources) {
          s.write(buf, p);
          p += 16;
        }
      }
    }
  }
}
