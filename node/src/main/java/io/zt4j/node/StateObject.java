package io.zt4j.node;

/**
 * The kinds of state a {@link Node} loads and stores through its {@link NodeHost}, with
 * ZeroTier's numbering ({@code ZT_StateObjectType}) and the object id each uses.
 *
 * <p>A host may keep them anywhere; the runtime's state directory uses ZeroTier One's layout
 * (shown per constant), so a zt4j home and a ZeroTier One home are interchangeable.
 */
public enum StateObject {
  /** Public identity string; id 0 (on put: our address). File {@code identity.public}. */
  IDENTITY_PUBLIC(1),
  /** Secret identity string; id 0 (on put: our address). File {@code identity.secret}, 0600. */
  IDENTITY_SECRET(2),
  /** Serialized planet world; id 0 (on put: the world id). File {@code planet}. */
  PLANET(3),
  /** Serialized moon world; id = world id. File {@code moons.d/<16 hex>.moon}. */
  MOON(4),
  /** Peer cache entry; id = 40-bit address. File {@code peers.d/<10 hex>.peer}. */
  PEER(5),
  /** Network configuration dictionary; id = network id. File {@code networks.d/<16 hex>.conf}. */
  NETWORK_CONFIG(6);

  private final int code;

  StateObject(int code) {
    this.code = code;
  }

  /** ZeroTier's {@code ZT_StateObjectType} value. */
  public int code() {
    return code;
  }
}
