package io.zt4j.stack.wire;

/**
 * View over an ARP packet for Ethernet/IPv4 (RFC 826). Other hardware or protocol types are
 * rejected as {@link WireError#UNSUPPORTED}.
 *
 * <pre>
 *  0       2       4   5   6       8            14        18           24        28
 * +-------+-------+---+---+-------+------------+---------+------------+---------+
 * | HTYPE | PTYPE |HLN|PLN|  OP   | sender MAC | send IP | target MAC | targ IP |
 * +-------+-------+---+---+-------+------------+---------+------------+---------+
 *   =1     =0x0800  6   4
 * </pre>
 *
 * Reusable flyweight; not thread-safe.
 */
public final class ArpPacket {
  public static final int LENGTH = 28;
  public static final int OP_REQUEST = 1;
  public static final int OP_REPLY = 2;
  static final int HTYPE_ETHERNET = 1;

  private byte[] buf;
  private int off;
  private WireError error = WireError.OK;

  public boolean wrap(byte[] buf, int off, int len) {
    this.buf = buf;
    this.off = off;
    if (len < LENGTH) {
      error = WireError.TRUNCATED;
      return false;
    }
    if (Bytes.u16(buf, off) != HTYPE_ETHERNET || Bytes.u16(buf, off + 2) != EtherType.IPV4
        || buf[off + 4] != 6 || buf[off + 5] != 4) {
      error = WireError.UNSUPPORTED;
      return false;
    }
    error = WireError.OK;
    return true;
  }

  public WireError error() {
    return error;
  }

  public int operation() {
    return Bytes.u16(buf, off + 6);
  }

  public long senderMac() {
    return Bytes.u48(buf, off + 8);
  }

  public int senderIp() {
    return Bytes.i32(buf, off + 14);
  }

  public long targetMac() {
    return Bytes.u48(buf, off + 18);
  }

  public int targetIp() {
    return Bytes.i32(buf, off + 24);
  }

  /** Writes a complete 28-byte Ethernet/IPv4 ARP packet. */
  public static void write(byte[] buf, int off, int op, long senderMac, int senderIp, long targetMac, int targetIp) {
    Bytes.put16(buf, off, HTYPE_ETHERNET);
    Bytes.put16(buf, off + 2, EtherType.IPV4);
    buf[off + 4] = 6;
    buf[off + 5] = 4;
    Bytes.put16(buf, off + 6, op);
    Bytes.put48(buf, off + 8, senderMac);
    Bytes.put32(buf, off + 14, senderIp);
    Bytes.put48(buf, off + 18, targetMac);
    Bytes.put32(buf, off + 24, targetIp);
  }
}
