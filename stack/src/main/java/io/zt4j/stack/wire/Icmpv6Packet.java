package io.zt4j.stack.wire;

/**
 * View over an ICMPv6 message (RFC 4443), including the Neighbor Discovery (RFC 4861) and MLD
 * (RFC 2710, RFC 3810) messages.
 *
 * <pre>
 *  0               1               2               3
 * +---------------+---------------+-------------------------------+
 * |     Type      |     Code      |          Checksum             |  0
 * +---------------+---------------+-------------------------------+
 * | echo: Identifier | Sequence;  packet too big: MTU;            |  4
 * | parameter problem: Pointer;   NA: R|S|O flags + reserved;     |
 * | RA: cur hop limit, M|O flags, router lifetime                 |
 * +---------------------------------------------------------------+
 * | NS/NA: target address (16) | options...       (at 24)         |  8
 * | RS: options (at 8);  RA: reachable (4), retrans (4), options  |
 * | errors: as much of the invoking packet as fits in 1280 bytes  |
 * +---------------------------------------------------------------+
 * </pre>
 *
 * <p>{@link #wrap} checks the minimum length; the checksum covers a pseudo-header, so the caller
 * checks it with {@link #verifies(long)}. Reusable flyweight; not thread-safe.
 */
public final class Icmpv6Packet {
  public static final int HEADER_LEN = 8;
  public static final int TYPE_DEST_UNREACHABLE = 1;
  public static final int TYPE_PACKET_TOO_BIG = 2;
  public static final int TYPE_TIME_EXCEEDED = 3;
  public static final int TYPE_PARAMETER_PROBLEM = 4;
  public static final int TYPE_ECHO_REQUEST = 128;
  public static final int TYPE_ECHO_REPLY = 129;
  public static final int TYPE_MLD_QUERY = 130;
  public static final int TYPE_MLD_REPORT = 131;
  public static final int TYPE_MLD_DONE = 132;
  public static final int TYPE_ROUTER_SOLICITATION = 133;
  public static final int TYPE_ROUTER_ADVERTISEMENT = 134;
  public static final int TYPE_NEIGHBOR_SOLICITATION = 135;
  public static final int TYPE_NEIGHBOR_ADVERTISEMENT = 136;
  public static final int TYPE_REDIRECT = 137;
  public static final int TYPE_MLDV2_REPORT = 143;
  /** Destination-unreachable codes (RFC 4443 §3.1). */
  public static final int CODE_NO_ROUTE = 0;
  public static final int CODE_ADMIN_PROHIBITED = 1;
  public static final int CODE_BEYOND_SCOPE = 2;
  public static final int CODE_ADDRESS_UNREACHABLE = 3;
  public static final int CODE_PORT_UNREACHABLE = 4;
  /** Neighbor Advertisement flags (RFC 4861 §4.4), in byte 4. */
  public static final int NA_ROUTER = 0x80;
  public static final int NA_SOLICITED = 0x40;
  public static final int NA_OVERRIDE = 0x20;
  /** Offsets of the NDP options relative to the message start. */
  public static final int RS_OPTIONS = 8;
  public static final int RA_OPTIONS = 16;
  public static final int NS_NA_OPTIONS = 24;
  public static final int REDIRECT_OPTIONS = 40;

  private byte[] buf;
  private int off;
  private int len;
  private WireError error = WireError.OK;

  /** Checks the length: 8 bytes for every message, more for NDP messages with fixed fields. */
  public boolean wrap(byte[] buf, int off, int len) {
    this.buf = buf;
    this.off = off;
    this.len = len;
    if (len < HEADER_LEN) {
      error = WireError.TRUNCATED;
      return false;
    }
    int min = switch (buf[off] & 0xFF) {
      case TYPE_ROUTER_ADVERTISEMENT -> RA_OPTIONS;
      case TYPE_NEIGHBOR_SOLICITATION, TYPE_NEIGHBOR_ADVERTISEMENT, TYPE_MLD_QUERY, TYPE_MLD_REPORT, TYPE_MLD_DONE ->
          NS_NA_OPTIONS;
      case TYPE_REDIRECT -> REDIRECT_OPTIONS;
      default -> HEADER_LEN;
    };
    if (len < min) {
      error = WireError.TRUNCATED;
      return false;
    }
    error = WireError.OK;
    return true;
  }

  public WireError error() {
    return error;
  }

  /** True when the message with this pseudo-header sum verifies. */
  public boolean verifies(long pseudoHeaderSum) {
    return Checksum.verifies(Checksum.add(pseudoHeaderSum, buf, off, len));
  }

  public byte[] buffer() {
    return buf;
  }

  public int offset() {
    return off;
  }

  public int length() {
    return len;
  }

  public int type() {
    return buf[off] & 0xFF;
  }

  public int code() {
    return buf[off + 1] & 0xFF;
  }

  public int checksum() {
    return Bytes.u16(buf, off + 2);
  }

  /** Errors have types 0–127 (RFC 4443 §2.1). */
  public boolean isError() {
    return (buf[off] & 0x80) == 0;
  }

  public int echoIdentifier() {
    return Bytes.u16(buf, off + 4);
  }

  public int echoSequence() {
    return Bytes.u16(buf, off + 6);
  }

  /** MTU of a Packet Too Big message. */
  public long mtu() {
    return Bytes.u32(buf, off + 4);
  }

  /** Pointer of a Parameter Problem message. */
  public long pointer() {
    return Bytes.u32(buf, off + 4);
  }

  /** Byte 4: NA flags, or an RA's current hop limit. */
  public int byte4() {
    return buf[off + 4] & 0xFF;
  }

  /** Byte 5: an RA's M/O flags. */
  public int byte5() {
    return buf[off + 5] & 0xFF;
  }

  /** Router lifetime of an RA, in seconds. */
  public int routerLifetime() {
    return Bytes.u16(buf, off + 6);
  }

  public long reachableTime() {
    return Bytes.u32(buf, off + 8);
  }

  public long retransTimer() {
    return Bytes.u32(buf, off + 12);
  }

  /** NS/NA/Redirect target (bytes 8..24), also an MLDv1 message's multicast address. */
  public long targetHi() {
    return Bytes.i64(buf, off + 8);
  }

  public long targetLo() {
    return Bytes.i64(buf, off + 16);
  }

  public IpAddress target() {
    return IpAddress.of(targetHi(), targetLo());
  }

  /** Absolute offset of the data after the 8-byte header (errors, echo). */
  public int dataOffset() {
    return off + HEADER_LEN;
  }

  public int dataLength() {
    return len - HEADER_LEN;
  }

  /**
   * Writes type, code and bytes 4..7, then the checksum over the {@code length}-byte message
   * (whose body the caller has already written) and the IPv6 pseudo-header.
   */
  public static void write(
      byte[] buf, int off, int type, int code, int rest, int length, long srcHi, long srcLo, long dstHi, long dstLo) {
    buf[off] = (byte) type;
    buf[off + 1] = (byte) code;
    Bytes.put16(buf, off + 2, 0);
    Bytes.put32(buf, off + 4, rest);
    fillChecksum(buf, off, length, srcHi, srcLo, dstHi, dstLo);
  }

  /** Recomputes the checksum of a complete message in place. */
  public static void fillChecksum(byte[] buf, int off, int length, long srcHi, long srcLo, long dstHi, long dstLo) {
    Bytes.put16(buf, off + 2, 0);
    long sum = pseudoHeader(srcHi, srcLo, dstHi, dstLo, IpProtocol.ICMPV6, length);
    Bytes.put16(buf, off + 2, Checksum.finish(Checksum.add(sum, buf, off, length)));
  }

  /** IPv6 pseudo-header sum from raw address halves (RFC 8200 §8.1). */
  public static long pseudoHeader(long srcHi, long srcLo, long dstHi, long dstLo, int nextHeader, int length) {
    return Checksum.pseudoHeader(srcHi, srcLo, dstHi, dstLo, nextHeader, length);
  }
}
