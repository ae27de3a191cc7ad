package io.zt4j.sockets;

import java.io.IOException;

/**
 * Joining a network failed for a reason only its controller (or its owner) can fix: the network
 * is private and has not authorized this node ({@link ZeroTierNetwork.Status#ACCESS_DENIED}), or
 * the controller does not have it ({@link ZeroTierNetwork.Status#NOT_FOUND}). The message names
 * the network, its controller and this node.
 */
public class ZeroTierNetworkException extends IOException {
  private static final long serialVersionUID = 1L;
  private final long networkId;
  private final ZeroTierNetwork.Status status;

  /** An exception for {@code networkId} in {@code status}. */
  public ZeroTierNetworkException(long networkId, ZeroTierNetwork.Status status, String message) {
    super(message);
    this.networkId = networkId;
    this.status = status;
  }

  /** The network. */
  public long networkId() {
    return networkId;
  }

  /** Why: {@code ACCESS_DENIED}, {@code NOT_FOUND}, … */
  public ZeroTierNetwork.Status status() {
    return status;
  }
}
