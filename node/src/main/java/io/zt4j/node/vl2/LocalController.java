package io.zt4j.node.vl2;

import io.zt4j.node.identity.Identity;
import io.zt4j.node.wire.Dictionary;
import io.zt4j.node.wire.InetAddress;

/**
 * A network controller running inside this node ({@code NetworkController} in ZeroTier): it gets
 * the NETWORK_CONFIG_REQUESTs for the networks it hosts (including our own requests when we join
 * one of them) and answers through {@link Vl2#sendConfig}, {@link Vl2#sendError} and
 * {@link Vl2#sendRevocation}.
 *
 * <p>Called on the node's thread, inside a node call; the controller may answer at once (from
 * the callback) or later (from the node's thread). Without a local controller the node answers
 * requests with ERROR(UNSUPPORTED_OPERATION), as ZeroTier One without a controller does.
 */
@FunctionalInterface
public interface LocalController {
  /**
   * A member asks for the config of {@code networkId}.
   *
   * @param from the physical address the request came from, or {@link InetAddress#NIL} if it was
   *     relayed (or is our own)
   * @param requestPacketId the request's packet id, to answer with OK; all ones for our own
   *     request (answer with {@code inRePacketId} 0 or this value: both apply it directly)
   * @param requester the member's identity
   * @param metadata what the member sent ({@link ConfigRequestMetadata})
   */
  void request(long networkId, InetAddress from, long requestPacketId, Identity requester, Dictionary metadata);
}
