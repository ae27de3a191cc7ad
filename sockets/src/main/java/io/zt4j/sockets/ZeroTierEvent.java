package io.zt4j.sockets;

import java.net.InetSocketAddress;

/**
 * What a {@link ZeroTierNode} reports to its listener ({@link ZeroTierNode.Builder#listener}).
 *
 * <p>Events of one node are delivered in order on that node's event thread (never on the node's
 * loop thread), so a listener may block or call back into the node — though a slow listener
 * delays later events of the same node.
 */
public sealed interface ZeroTierEvent {

  /** The node has started: identity loaded (or generated), UDP bound. */
  record NodeUp(String nodeId) implements ZeroTierEvent {}

  /** A root of the planet (or a moon) answers: the node can reach other nodes. */
  record NodeOnline(String nodeId) implements ZeroTierEvent {}

  /** No root has been heard from for a while; traffic to peers may still flow over direct paths. */
  record NodeOffline(String nodeId) implements ZeroTierEvent {}

  /** The node has stopped; no more events follow. */
  record NodeDown(String nodeId) implements ZeroTierEvent {}

  /**
   * A joined network is ready: the controller's config arrived, an address is assigned and the
   * virtual tap carries it. Sockets can be used on {@code network}'s addresses from now on.
   */
  record NetworkReady(ZeroTierNetwork network) implements ZeroTierEvent {}

  /** The network's controller refused this node (a private network that has not authorized it). */
  record NetworkDenied(ZeroTierNetwork network) implements ZeroTierEvent {}

  /** The network's controller does not know the network (wrong network ID?). */
  record NetworkNotFound(ZeroTierNetwork network) implements ZeroTierEvent {}

  /** A joined network's config, status or addresses changed (other than what the events above report). */
  record NetworkUpdated(ZeroTierNetwork network) implements ZeroTierEvent {}

  /** The node left a network ({@link ZeroTierNode#leave}). */
  record NetworkLeft(long networkId) implements ZeroTierEvent {}

  /** Traffic to a peer now goes over a direct UDP path ({@code path}) rather than through a root. */
  record PeerDirect(String peerId, InetSocketAddress path) implements ZeroTierEvent {}

  /** A peer's direct path expired: traffic to it is relayed by a root. */
  record PeerRelayed(String peerId) implements ZeroTierEvent {}

  /** An address was assigned to this node on a network (and is on its virtual tap). */
  record AddressAdded(long networkId, ZeroTierNetwork.AssignedAddress address) implements ZeroTierEvent {}

  /** An address was taken away from this node on a network. */
  record AddressRemoved(long networkId, ZeroTierNetwork.AssignedAddress address) implements ZeroTierEvent {}
}
