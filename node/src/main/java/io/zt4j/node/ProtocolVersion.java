package io.zt4j.node;

/**
 * Versions this node speaks and announces on the wire.
 *
 * <p>ZeroTier One 1.14 speaks protocol version 12 (AES-GMAC-SIV capable). A node announces a
 * software version in HELLO; peers and controllers use it for feature decisions, so zt4j
 * announces the ZeroTier One release whose behaviour it follows.
 */
public final class ProtocolVersion {
  /** ZeroTier VL1 protocol version (ZeroTier One 1.14: 12). */
  public static final int PROTOCOL = 12;
  /** Software version announced in HELLO: the ZeroTier One release whose protocol we follow. */
  public static final int SOFTWARE_MAJOR = 1;

  public static final int SOFTWARE_MINOR = 14;
  public static final int SOFTWARE_REVISION = 1;

  private ProtocolVersion() {}

  /** "1.14.1" */
  public static String software() {
    return SOFTWARE_MAJOR + "." + SOFTWARE_MINOR + "." + SOFTWARE_REVISION;
  }
}
