package io.zt4j.stack.wire;

/** Parsed UDP header: the ports (length and checksum are derived on emit). */
public record UdpRepr(int srcPort, int dstPort) {
  public UdpRepr {
    if ((srcPort & ~0xFFFF) != 0 || (dstPort & ~0xFFFF) != 0) {
      throw new IllegalArgumentException("port out of range");
    }
  }

  public static UdpRepr parse(UdpPacket p) {
    return new UdpRepr(p.srcPort(), p.dstPort());
  }

  /**
   * Writes the header in front of {@code payloadLength} bytes already at {@code off + 8}, with the
   * checksum for this source and destination; returns the datagram length.
   */
  public int emit(byte[] buf, int off, int payloadLength, IpAddress src, IpAddress dst) {
    int len = UdpPacket.HEADER_LEN + payloadLength;
    long pseudo = Checksum.pseudoHeader(src.hi(), src.lo(), dst.hi(), dst.lo(), IpProtocol.UDP, len);
    UdpPacket.write(buf, off, srcPort, dstPort, payloadLength, pseudo);
    return len;
  }
}
