package io.zt4j.stack.wire;

/**
 * Parsed IPv6 fixed header. {@code nextHeader} is the field as on the wire (the first extension
 * header when there are any).
 */
public record Ipv6Repr(
    IpAddress src, IpAddress dst, int nextHeader, int payloadLength, int hopLimit, int trafficClass, int flowLabel) {
  public Ipv6Repr {
    if (src.isV4() || dst.isV4()) {
      throw new IllegalArgumentException("IPv6 header needs IPv6 addresses");
    }
    if (payloadLength < 0 || payloadLength > 0xFFFF) {
      throw new IllegalArgumentException("bad IPv6 payload length " + payloadLength);
    }
  }

  public static Ipv6Repr of(IpAddress src, IpAddress dst, int nextHeader, int payloadLength, int hopLimit) {
    return new Ipv6Repr(src, dst, nextHeader, payloadLength, hopLimit, 0, 0);
  }

  public static Ipv6Repr parse(Ipv6Packet p) {
    return new Ipv6Repr(p.src(), p.dst(), p.nextHeader(), p.payloadLength(), p.hopLimit(), p.trafficClass(), p.flowLabel());
  }

  public int emit(byte[] buf, int off) {
    Ipv6Packet.writeHeader(
        buf, off, trafficClass, flowLabel, payloadLength, nextHeader, hopLimit, src.hi(), src.lo(), dst.hi(), dst.lo());
    return Ipv6Packet.HEADER_LEN;
  }
}
