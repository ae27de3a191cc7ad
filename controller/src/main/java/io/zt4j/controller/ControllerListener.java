package io.zt4j.controller;

/**
 * Told by {@link NetworkController} after a stored change, on the thread that made it (while the
 * controller's lock is held: a listener must not call back into the controller synchronously,
 * but may queue work). The protocol side uses these to push new configs and revocations.
 */
public interface ControllerListener {
  /** A network was created or changed. */
  default void networkChanged(long networkId) {}

  /** A network was deleted; its members are gone with it. */
  default void networkDeleted(long networkId) {}

  /** A member was created or changed. */
  default void memberChanged(long networkId, long address) {}

  /** A member that was authorized no longer is (deauthorized or deleted). */
  default void memberDeauthorized(long networkId, long address) {}
}
