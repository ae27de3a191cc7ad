package io.zt4j.stack.wire;

/**
 * Parsed IPv4 header fields (options are not kept; {@link #emit} writes a 20-byte header).
 *
 * @param fragmentOffset in bytes (a multiple of 8)
 */
public record Ipv4Repr(
    IpAddress src, IpAddress dst, int protocol, int payloadLength, int ttl, int tos, int identification,
    boolean dontFragment, boolean moreFragments, int fragmentOffset) {

  public Ipv4Repr {
    if (!src.isV4() || !dst.isV4()) {
      throw new IllegalArgumentException("IPv4 header needs IPv4 addresses");
    }
    if (payloadLength < 0 || payloadLength > Ipv4Packet.MAX_LENGTH - Ipv4Packet.HEADER_LEN
        || (fragmentOffset & 7) != 0 || fragmentOffset > 0x1FFF * 8) {
      throw new IllegalArgumentException("bad IPv4 length/offset");
    }
  }

  /** A plain unfragmented header. */
  public static Ipv4Repr of(IpAddress src, IpAddress dst, int protocol, int payloadLength, int ttl) {
    return new Ipv4Repr(src, dst, protocol, payloadLength, ttl, 0, 0, false, false, 0);
  }

  public static Ipv4Repr parse(Ipv4Packet p) {
    return new Ipv4Repr(
        IpAddress.ofV4(p.src()), IpAddress.ofV4(p.dst()), p.protocol(), p.payloadLength(), p.ttl(), p.tos(),
        p.identification(), p.dontFragment(), p.moreFragments(), p.fragmentOffset());
  }

  /** Writes the header (with checksum) at {@code off}; returns its length. */
  public int emit(byte[] buf, int off) {
    int flags = (dontFragment ? Ipv4Packet.FLAG_DF : 0) | (moreFragments ? Ipv4Packet.FLAG_MF : 0) | (fragmentOffset / 8);
    Ipv4Packet.writeHeader(
        buf, off, tos, Ipv4Packet.HEADER_LEN + payloadLength, identification, flags, ttl, protocol, src.v4(), dst.v4());
    return Ipv4Packet.HEADER_LEN;
  }
}
