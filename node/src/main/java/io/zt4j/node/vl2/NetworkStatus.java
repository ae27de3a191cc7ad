package io.zt4j.node.vl2;

/**
 * A joined network's status as ZeroTier reports it ({@code ZT_VirtualNetworkStatus}; the same
 * names {@code zerotier-cli listnetworks} prints).
 */
public enum NetworkStatus {
  /** No config yet; asking the controller. */
  REQUESTING_CONFIGURATION,
  /** Config received and we are a member. */
  OK,
  /** The controller refused us (private network, not authorized). */
  ACCESS_DENIED,
  /** The controller does not have this network (or cannot act as a controller). */
  NOT_FOUND,
  /** The host could not set up the network's port (not used by the node core itself). */
  PORT_ERROR,
  /**
   * The node is too old for the network. ZeroTier 1.14's core never reports it (no wire message
   * leads to it); kept so the set of statuses is ZeroTier's.
   */
  CLIENT_TOO_OLD,
  /** The controller asks for single sign-on first; see the config's SSO fields. */
  AUTHENTICATION_REQUIRED;

  /** ZeroTier's numeric code. */
  public int code() {
    return ordinal();
  }

  /** The text {@code zerotier-cli} prints ({@code OK}, {@code ACCESS_DENIED}, …). */
  public String cliName() {
    return name();
  }
}
