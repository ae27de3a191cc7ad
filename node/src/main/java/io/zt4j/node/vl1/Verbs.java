package io.zt4j.node.vl1;

/**
 * ZeroTier verb and error codes ({@code Packet::Verb}, {@code Packet::ErrorCode}) as the
 * dispatcher uses them.
 */
public final class Verbs {
  private Verbs() {}

  public static final int NOP = 0x00;
  public static final int HELLO = 0x01;
  public static final int ERROR = 0x02;
  public static final int OK = 0x03;
  public static final int WHOIS = 0x04;
  public static final int RENDEZVOUS = 0x05;
  public static final int FRAME = 0x06;
  public static final int EXT_FRAME = 0x07;
  public static final int ECHO = 0x08;
  public static final int MULTICAST_LIKE = 0x09;
  public static final int NETWORK_CREDENTIALS = 0x0a;
  public static final int NETWORK_CONFIG_REQUEST = 0x0b;
  public static final int NETWORK_CONFIG = 0x0c;
  public static final int MULTICAST_GATHER = 0x0d;
  public static final int MULTICAST_FRAME = 0x0e;
  public static final int PUSH_DIRECT_PATHS = 0x10;
  public static final int ACK = 0x12;
  public static final int QOS_MEASUREMENT = 0x13;
  public static final int USER_MESSAGE = 0x14;
  public static final int REMOTE_TRACE = 0x15;
  public static final int PATH_NEGOTIATION_REQUEST = 0x16;

  /** Number of verb code points (5 bits). */
  public static final int COUNT = 32;

  public static final int ERROR_NONE = 0x00;
  public static final int ERROR_INVALID_REQUEST = 0x01;
  public static final int ERROR_BAD_PROTOCOL_VERSION = 0x02;
  public static final int ERROR_OBJ_NOT_FOUND = 0x03;
  public static final int ERROR_IDENTITY_COLLISION = 0x04;
  public static final int ERROR_UNSUPPORTED_OPERATION = 0x05;
  public static final int ERROR_NEED_MEMBERSHIP_CERTIFICATE = 0x06;
  public static final int ERROR_NETWORK_ACCESS_DENIED = 0x07;
  public static final int ERROR_UNWANTED_MULTICAST = 0x08;
  public static final int ERROR_NETWORK_AUTHENTICATION_REQUIRED = 0x09;

  /** Verbs that make a peer "active" (worth keeping paths to), as in {@code Peer::received}. */
  static boolean isNontrivial(int verb) {
    return verb == FRAME || verb == EXT_FRAME || verb == NETWORK_CONFIG_REQUEST || verb == NETWORK_CONFIG
        || verb == MULTICAST_FRAME;
  }

  /** The verb's name, or its hex code. */
  public static String name(int verb) {
    return switch (verb) {
      case NOP -> "NOP";
      case HELLO -> "HELLO";
      case ERROR -> "ERROR";
      case OK -> "OK";
      case WHOIS -> "WHOIS";
      case RENDEZVOUS -> "RENDEZVOUS";
      case FRAME -> "FRAME";
      case EXT_FRAME -> "EXT_FRAME";
      case ECHO -> "ECHO";
      case MULTICAST_LIKE -> "MULTICAST_LIKE";
      case NETWORK_CREDENTIALS -> "NETWORK_CREDENTIALS";
      case NETWORK_CONFIG_REQUEST -> "NETWORK_CONFIG_REQUEST";
      case NETWORK_CONFIG -> "NETWORK_CONFIG";
      case MULTICAST_GATHER -> "MULTICAST_GATHER";
      case MULTICAST_FRAME -> "MULTICAST_FRAME";
      case PUSH_DIRECT_PATHS -> "PUSH_DIRECT_PATHS";
      case ACK -> "ACK";
      case QOS_MEASUREMENT -> "QOS_MEASUREMENT";
      case USER_MESSAGE -> "USER_MESSAGE";
      case REMOTE_TRACE -> "REMOTE_TRACE";
      case PATH_NEGOTIATION_REQUEST -> "PATH_NEGOTIATION_REQUEST";
      default -> String.format("0x%02x", verb);
    };
  }
}
