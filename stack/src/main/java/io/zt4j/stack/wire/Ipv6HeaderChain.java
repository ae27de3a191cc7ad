package io.zt4j.stack.wire;

/**
 * Walks an IPv6 packet's extension headers (RFC 8200 §4) up to the upper-layer header or a
 * Fragment header, with limits: at most {@link #MAX_HEADERS} extension headers, each inside the
 * payload, hop-by-hop only first. Options in Hop-by-Hop and Destination Options headers are
 * checked: Pad1/PadN and Router Alert are understood; an unknown option is skipped or makes the
 * walk fail as its two high type bits demand (§4.2).
 *
 * <pre>
 * generic extension header           fragment header (8 bytes)
 * +-------+-------+---------------+  +-------+-------+-------------------------+-+-+
 * |  NH   |HdrLen | data ...      |  |  NH   | resvd |  Fragment Offset (13) |0|0|M|
 * +-------+-------+---------------+  +-------+-------+-------------------------+-+-+
 *  length = (HdrLen + 1) * 8          |             Identification (32)           |
 *                                     +-------------------------------------------+
 * </pre>
 *
 * <p>A reusable walker: {@link #walk} fills the public results. Not thread-safe.
 */
public final class Ipv6HeaderChain {
  /** We walk at most this many extension headers (real packets carry one or two). */
  public static final int MAX_HEADERS = 8;
  /** ICMPv6 Parameter Problem codes (RFC 4443 §3.4). */
  public static final int PP_ERRONEOUS_FIELD = 0;
  public static final int PP_UNRECOGNIZED_NEXT_HEADER = 1;
  public static final int PP_UNRECOGNIZED_OPTION = 2;
  static final int OPT_PAD1 = 0;
  static final int OPT_PADN = 1;
  static final int OPT_ROUTER_ALERT = 5;

  /** The header after the chain: an upper-layer protocol (or 59 No Next Header, or unknown). */
  public int protocol;
  /** Absolute offset and length of the upper-layer data (or of the fragment's data). */
  public int dataOffset;
  public int dataLength;
  /** True when a Fragment header ended the walk; then the fields below describe it. */
  public boolean fragment;
  public int fragmentOffset;
  public boolean moreFragments;
  public int fragmentId;
  /** Absolute offset of the Fragment header. */
  public int fragmentHeaderOffset;
  /** True when a Router Alert option (RFC 2711) was seen in the hop-by-hop header. */
  public boolean routerAlert;
  /**
   * When {@link #walk} fails with {@link WireError#UNRECOGNIZED_OPTION} or
   * {@link WireError#BAD_EXTENSION_CHAIN}: whether an ICMPv6 Parameter Problem should be sent,
   * its code and its pointer (offset from the start of the IPv6 header).
   */
  public boolean sendParameterProblem;
  public int problemCode;
  public int problemPointer;

  private WireError error = WireError.OK;

  public WireError error() {
    return error;
  }

  /** Walks the chain of an already wrapped packet; false (and {@link #error()}) on bad input. */
  public boolean walk(Ipv6Packet p, boolean dstIsMulticast) {
    byte[] b = p.buffer();
    int start = p.offset();
    int end = start + p.length();
    int nh = p.nextHeader();
    int pos = p.payloadOffset();
    int prevNhField = start + Ipv6Packet.NEXT_HEADER;
    fragment = false;
    routerAlert = false;
    sendParameterProblem = false;
    for (int count = 0; ; count++) {
      switch (nh) {
        case IpProtocol.HOPOPT, IpProtocol.IPV6_OPTS, IpProtocol.IPV6_ROUTE -> {
          if (nh == IpProtocol.HOPOPT && count != 0) {
            return problem(WireError.BAD_EXTENSION_CHAIN, PP_UNRECOGNIZED_NEXT_HEADER, prevNhField - start, true);
          }
          if (count >= MAX_HEADERS) {
            return fail(WireError.BAD_EXTENSION_CHAIN);
          }
          if (end - pos < 8) {
            return fail(WireError.TRUNCATED);
          }
          int hlen = ((b[pos + 1] & 0xFF) + 1) * 8;
          if (hlen > end - pos) {
            return fail(WireError.BAD_OPTION);
          }
          if (nh == IpProtocol.IPV6_ROUTE) {
            // We are not a router and know no routing type (type 0 is deprecated, RFC 5095):
            // with segments left, RFC 8200 §4.4 says discard and point at the routing type.
            if ((b[pos + 3] & 0xFF) != 0) {
              return problem(WireError.UNSUPPORTED, PP_ERRONEOUS_FIELD, pos + 2 - start, true);
            }
          } else if (!options(b, pos + 2, pos + hlen, start, nh == IpProtocol.HOPOPT, dstIsMulticast)) {
            return false;
          }
          prevNhField = pos;
          nh = b[pos] & 0xFF;
          pos += hlen;
        }
        case IpProtocol.IPV6_FRAG -> {
          if (end - pos < 8) {
            return fail(WireError.TRUNCATED);
          }
          int fo = Bytes.u16(b, pos + 2);
          fragment = true;
          fragmentHeaderOffset = pos;
          fragmentOffset = fo & 0xFFF8;
          moreFragments = (fo & 1) != 0;
          fragmentId = Bytes.i32(b, pos + 4);
          protocol = b[pos] & 0xFF;
          dataOffset = pos + 8;
          dataLength = end - dataOffset;
          error = WireError.OK;
          return true;
        }
        case IpProtocol.ESP, IpProtocol.AH -> {
          return fail(WireError.UNSUPPORTED);
        }
        default -> {
          protocol = nh;
          dataOffset = pos;
          dataLength = end - pos;
          error = WireError.OK;
          return true;
        }
      }
    }
  }

  private boolean options(byte[] b, int pos, int end, int start, boolean hopByHop, boolean dstIsMulticast) {
    while (pos < end) {
      int type = b[pos] & 0xFF;
      if (type == OPT_PAD1) {
        pos++;
        continue;
      }
      if (end - pos < 2) {
        return fail(WireError.BAD_OPTION);
      }
      int olen = 2 + (b[pos + 1] & 0xFF);
      if (olen > end - pos) {
        return fail(WireError.BAD_OPTION);
      }
      if (type == OPT_ROUTER_ALERT && hopByHop) {
        routerAlert = true;
      } else if (type != OPT_PADN) {
        switch (type >>> 6) {
          case 0 -> {} // skip
          case 1 -> {
            return problem(WireError.UNRECOGNIZED_OPTION, PP_UNRECOGNIZED_OPTION, pos - start, false);
          }
          case 2 -> {
            return problem(WireError.UNRECOGNIZED_OPTION, PP_UNRECOGNIZED_OPTION, pos - start, true);
          }
          default -> {
            return problem(WireError.UNRECOGNIZED_OPTION, PP_UNRECOGNIZED_OPTION, pos - start, !dstIsMulticast);
          }
        }
      }
      pos += olen;
    }
    return true;
  }

  private boolean problem(WireError e, int code, int pointer, boolean send) {
    sendParameterProblem = send;
    problemCode = code;
    problemPointer = pointer;
    return fail(e);
  }

  private boolean fail(WireError e) {
    error = e;
    return false;
  }

  /** Writes an 8-byte Fragment header. {@code offset} in bytes (multiple of 8). */
  public static void writeFragmentHeader(byte[] b, int off, int nextHeader, int offset, boolean more, int id) {
    b[off] = (byte) nextHeader;
    b[off + 1] = 0;
    Bytes.put16(b, off + 2, (offset & 0xFFF8) | (more ? 1 : 0));
    Bytes.put32(b, off + 4, id);
  }

  /** Writes an 8-byte Hop-by-Hop header holding a Router Alert option (MLD, RFC 3810 §5). */
  public static void writeRouterAlertHopByHop(byte[] b, int off, int nextHeader) {
    b[off] = (byte) nextHeader;
    b[off + 1] = 0;
    b[off + 2] = OPT_ROUTER_ALERT;
    b[off + 3] = 2;
    Bytes.put16(b, off + 4, 0); // value 0: MLD
    b[off + 6] = OPT_PADN;
    b[off + 7] = 0;
  }
}
