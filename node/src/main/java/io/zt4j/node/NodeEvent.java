package io.zt4j.node;

import io.zt4j.node.identity.Address;
import io.zt4j.node.wire.InetAddress;

/**
 * What a {@link Node} reports through {@link NodeHost#onEvent} ({@code ZT_Event}, plus the peer
 * path changes an SDK user wants to see without polling).
 */
public sealed interface NodeEvent {

  /** The node has been created and is ready ({@code ZT_EVENT_UP}). */
  record Up(Address address) implements NodeEvent {}

  /** An upstream (root or moon) has been heard from recently ({@code ZT_EVENT_ONLINE}). */
  record Online() implements NodeEvent {}

  /** No upstream heard from for {@code ZT_PEER_ACTIVITY_TIMEOUT} ({@code ZT_EVENT_OFFLINE}). */
  record Offline() implements NodeEvent {}

  /** The node is shutting down ({@code ZT_EVENT_DOWN}). */
  record Down() implements NodeEvent {}

  /**
   * A root told us another node has our address but a different identity
   * ({@code ZT_EVENT_FATAL_ERROR_IDENTITY_COLLISION}). ZeroTier One stops; the host should too,
   * and the identity must be regenerated.
   */
  record IdentityCollision(Address reportedBy) implements NodeEvent {}

  /** A USER_MESSAGE arrived ({@code ZT_EVENT_USER_MESSAGE}). {@code data} is the host's copy. */
  record UserMessage(Address origin, long typeId, byte[] data) implements NodeEvent {}

  /** A REMOTE_TRACE arrived ({@code ZT_EVENT_REMOTE_TRACE}): one trace dictionary as text. */
  record RemoteTrace(Address origin, String dictionary) implements NodeEvent {}

  /** Traffic to a peer now goes over a direct path (the best one is {@code path}). */
  record PeerDirect(Address peer, InetAddress path) implements NodeEvent {}

  /** A peer that had a direct path lost it (it expired): traffic goes through a relay. */
  record PeerRelayed(Address peer) implements NodeEvent {}

  /**
   * Something noteworthy the node handled on its own, as ZeroTier's trace points report it: a
   * HELLO dropped for an invalid identity, an unsupported protocol version or an address
   * collision, a packet failing authentication, a new path learned, a corrupt cache entry…
   * Hosts may log these; they need no action.
   */
  record Trace(Kind kind, Address peer, InetAddress path, String detail) implements NodeEvent {
    /** The trace point. */
    public enum Kind {
      /** A HELLO was refused (bad identity, old protocol, address/identity mismatch, rate limit). */
      HELLO_DROPPED,
      /** Another identity claims an address we know; we answered with ERROR_IDENTITY_COLLISION. */
      ADDRESS_COLLISION,
      /** A packet failed MAC/decryption and was dropped. */
      AUTHENTICATION_FAILED,
      /** A packet was malformed or could not be decompressed. */
      PACKET_INVALID,
      /** A peer's new physical path was confirmed. */
      PATH_LEARNED,
      /** A trusted peer reported that our external address changed; paths in that scope were reset. */
      PATHS_RESET,
      /** A cached state object (peer, moon) could not be parsed and was ignored. */
      STATE_IGNORED,
      /** A newer planet or moon was accepted from an upstream. */
      WORLD_UPDATED
    }
  }
}
