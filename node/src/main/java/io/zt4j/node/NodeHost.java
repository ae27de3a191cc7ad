package io.zt4j.node;

import io.zt4j.node.identity.Address;
import io.zt4j.node.wire.InetAddress;
import io.zt4j.node.wire.MAC;
import java.util.Optional;

/**
 * Everything a {@link Node} needs from the outside world ({@code ZT_Node_Callbacks}): sending UDP,
 * handing frames to virtual taps, reporting events, and keeping state.
 *
 * <p>Threading: the node calls these methods synchronously, on the thread that is inside a
 * {@link Node} method, and only then. An implementation must not call back into the node from a
 * callback (queue the work instead), must not block for long (the node's whole loop waits), and
 * must copy any byte range it keeps: {@code data} arrays are reused after the call returns.
 */
public interface NodeHost {

  /**
   * Sends one UDP datagram.
   *
   * @param localSocket the socket id the packet arrived on / should leave by, or -1 for "any
   *     suitable socket" (ZeroTier One then sends from every socket of the destination's family)
   * @param remote destination endpoint (IPv4 or IPv6, never nil)
   * @param ttl IP TTL to use, or 0 for the default; the node asks for a low TTL (2) only for the
   *     junk datagram that opens a local NAT before hole punching. Hosts that cannot set the TTL
   *     send with the default.
   * @param data the datagram is {@code data[offset, offset+length)}, valid only during the call (the
   *     node reuses the array): send it or copy it before returning
   * @return true if the datagram was handed to the network
   */
  boolean sendUdp(long localSocket, InetAddress remote, byte[] data, int offset, int length, int ttl);

  /**
   * Hands an Ethernet frame received on virtual network {@code networkId} to that network's
   * virtual tap ({@code ZT_VirtualNetworkFrameFunction}). Only joined networks produce frames; a
   * host without virtual taps (a root, say) keeps the default, which discards them.
   */
  default void deliverFrame(long networkId, MAC source, MAC destination, int etherType, int vlanId,
      byte[] data, int offset, int length) {}

  /**
   * A joined network changed ({@code ZT_VirtualNetworkConfigFunction}): {@link
   * io.zt4j.node.vl2.NetworkOperation#UP} when joined (create the tap), {@code CONFIG_UPDATE} when
   * its config, status or subscriptions change, {@code DOWN} when the node closes and
   * {@code DESTROY} when the network is left. {@code config} is an immutable snapshot. Hosts
   * without virtual taps keep the default, which ignores it.
   */
  default void onNetworkUpdate(long networkId, io.zt4j.node.vl2.NetworkOperation operation,
      io.zt4j.node.vl2.VirtualNetworkConfig config) {}

  /** Reports an event (status changes, user messages, traces). */
  void onEvent(NodeEvent event);

  /**
   * Loads a state object, or empty if the host has none. Returning bytes the node cannot parse
   * makes {@link Node#create} fail with {@link CorruptStateException} for the identity and planet;
   * a bad cached peer or moon is ignored with a {@link NodeEvent.Trace}.
   */
  Optional<byte[]> stateGet(StateObject type, long id);

  /** Stores a state object (replacing any previous one). */
  void statePut(StateObject type, long id, byte[] data);

  /** Deletes a state object if present. */
  void stateDelete(StateObject type, long id);

  /**
   * Whether ZeroTier traffic with {@code peer} may use {@code remote} over {@code localSocket}
   * ({@code ZT_PathCheckFunction}). Hosts use it to keep ZeroTier off their own virtual networks
   * or off interfaces they were told not to use. Default: allow.
   */
  default boolean pathCheck(Address peer, long localSocket, InetAddress remote) {
    return true;
  }

  /**
   * A remembered or statically configured physical address for {@code peer}
   * ({@code ZT_PathLookupFunction}), tried when the node has no path to it. Default: none.
   *
   * @param family the wanted family, or {@link InetAddress.Family#NIL} for either
   */
  default Optional<InetAddress> pathLookup(Address peer, InetAddress.Family family) {
    return Optional.empty();
  }
}
