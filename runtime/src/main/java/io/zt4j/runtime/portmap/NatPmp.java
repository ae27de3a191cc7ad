package io.zt4j.runtime.portmap;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * NAT-PMP messages (RFC 6886): what a client sends to its gateway's port 5351 and what it reads
 * back. Requests are encoded into fresh arrays; replies are parsed from untrusted bytes and either
 * give a {@link Reply} or a reason to drop them.
 *
 * <pre>
 * external address request (§3.2):   0 ver=0 | 1 op=0
 * external address reply:            0 ver=0 | 1 op=128 | 2..3 result | 4..7 epoch | 8..11 IPv4
 * UDP mapping request (§3.3):        0 ver=0 | 1 op=1 | 2..3 reserved=0 | 4..5 internal port
 *                                    | 6..7 suggested external port | 8..11 lifetime (s)
 * UDP mapping reply:                 0 ver=0 | 1 op=129 | 2..3 result | 4..7 epoch
 *                                    | 8..9 internal port | 10..11 mapped external port | 12..15 lifetime
 * </pre>
 *
 * All integers are big-endian. A reply with a non-zero result code carries only what precedes
 * the opcode-specific fields for sure; its other fields are not read.
 */
public final class NatPmp {
  /** The gateway's NAT-PMP server port (RFC 6886 §3.1). */
  public static final int SERVER_PORT = 5351;
  /** NAT-PMP's version number (PCP servers answer other versions, §9). */
  public static final int VERSION = 0;
  public static final int OP_EXTERNAL_ADDRESS = 0;
  public static final int OP_MAP_UDP = 1;
  /** Replies set the request's opcode plus 128 (§3.2). */
  public static final int REPLY_BIT = 128;
  /** Result code 0: success (§3.5). */
  public static final int RESULT_SUCCESS = 0;
  /** Largest datagram read: NAT-PMP replies are 12 or 16 bytes; PCP's limit is 1100 (RFC 6887). */
  public static final int MAX_REPLY = 1100;

  private NatPmp() {}

  /** A parsed reply. {@code externalAddress} only for opcode 0, the ports and lifetime only for 1. */
  public record Reply(int opcode, int resultCode, long epochSeconds, Inet4Address externalAddress,
      int internalPort, int externalPort, long lifetimeSeconds) {
    public boolean success() {
      return resultCode == RESULT_SUCCESS;
    }
  }

  /** Either a reply or why the datagram was dropped. */
  public record Decoded(Reply reply, String dropReason) {
    static Decoded drop(String why) {
      return new Decoded(null, why);
    }
  }

  /** §3.2: the external address request. */
  public static byte[] externalAddressRequest() {
    return new byte[] {VERSION, OP_EXTERNAL_ADDRESS};
  }

  /**
   * §3.3: a UDP mapping request; lifetime 0 with external port 0 deletes the mapping of
   * {@code internalPort} (§3.4).
   */
  public static byte[] mapUdpRequest(int internalPort, int suggestedExternalPort, long lifetimeSeconds) {
    if (internalPort < 1 || internalPort > 65535 || suggestedExternalPort < 0 || suggestedExternalPort > 65535
        || lifetimeSeconds < 0 || lifetimeSeconds > 0xffffffffL) {
      throw new IllegalArgumentException("bad mapping request " + internalPort + "/" + suggestedExternalPort + "/" + lifetimeSeconds);
    }
    byte[] b = new byte[12];
    b[0] = VERSION;
    b[1] = OP_MAP_UDP;
    u16(b, 4, internalPort);
    u16(b, 6, suggestedExternalPort);
    u32(b, 8, lifetimeSeconds);
    return b;
  }

  /**
   * Parses a reply to a request with opcode {@code expectedOpcode}. Drops (with a reason) what is
   * too short, too long, of another version or opcode, or a success without its fields.
   */
  public static Decoded parse(byte[] b, int length, int expectedOpcode) {
    if (length > MAX_REPLY || length > b.length) {
      return Decoded.drop("oversized");
    }
    if (length < 8) {
      return Decoded.drop("truncated");
    }
    if ((b[0] & 0xff) != VERSION) {
      return Decoded.drop("version " + (b[0] & 0xff));
    }
    int op = b[1] & 0xff;
    if (op != (expectedOpcode | REPLY_BIT)) {
      return Decoded.drop("opcode " + op);
    }
    int result = u16(b, 2);
    long epoch = u32(b, 4);
    if (result != RESULT_SUCCESS) {
      return new Decoded(new Reply(expectedOpcode, result, epoch, null, 0, 0, 0), null);
    }
    if (expectedOpcode == OP_EXTERNAL_ADDRESS) {
      if (length < 12) {
        return Decoded.drop("truncated");
      }
      byte[] ip = {b[8], b[9], b[10], b[11]};
      try {
        return new Decoded(new Reply(op & 0x7f, result, epoch, (Inet4Address) InetAddress.getByAddress(ip), 0, 0, 0), null);
      } catch (UnknownHostException e) {
        return Decoded.drop("address"); // cannot happen for 4 bytes
      }
    }
    if (length < 16) {
      return Decoded.drop("truncated");
    }
    int internal = u16(b, 8);
    int external = u16(b, 10);
    long lifetime = u32(b, 12);
    return new Decoded(new Reply(op & 0x7f, result, epoch, null, internal, external, lifetime), null);
  }

  /** RFC 6886 §3.5's name for a result code. */
  public static String resultName(int code) {
    return switch (code) {
      case 0 -> "success";
      case 1 -> "unsupported version";
      case 2 -> "not authorized/refused";
      case 3 -> "network failure";
      case 4 -> "out of resources";
      case 5 -> "unsupported opcode";
      default -> "result " + code;
    };
  }

  static int u16(byte[] b, int at) {
    return ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
  }

  static long u32(byte[] b, int at) {
    return ((long) (b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
  }

  static void u16(byte[] b, int at, int v) {
    b[at] = (byte) (v >>> 8);
    b[at + 1] = (byte) v;
  }

  static void u32(byte[] b, int at, long v) {
    b[at] = (byte) (v >>> 24);
    b[at + 1] = (byte) (v >>> 16);
    b[at + 2] = (byte) (v >>> 8);
    b[at + 3] = (byte) v;
  }
}
