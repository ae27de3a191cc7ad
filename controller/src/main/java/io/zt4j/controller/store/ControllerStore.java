package io.zt4j.controller.store;

import io.zt4j.controller.model.Member;
import io.zt4j.controller.model.Network;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * Where a controller keeps its networks and members. The embedded default is {@link FileStore}
 * (one JSON file per record, as ZeroTier One's controller lays them out); a database-backed
 * store can implement the same interface.
 *
 * <p>Records go in and come out as copies: a caller never shares an instance with the store.
 * Revisions are the caller's business ({@code NetworkController} counts them); a store saves
 * what it is given. A failed write throws {@link IOException} and leaves the stored record as it
 * was. Implementations must be safe for use from several threads.
 */
public interface ControllerStore extends AutoCloseable {

  /** IDs of the stored networks, ascending (unsigned). */
  List<Long> networkIds();

  Optional<Network> network(long networkId);

  /** The network's members, ascending by address; empty if there is no such network. */
  List<Member> members(long networkId);

  Optional<Member> member(long networkId, long address);

  /** Creates or replaces a network. */
  void putNetwork(Network network) throws IOException;

  /** Creates or replaces a member of a stored network. */
  void putMember(Member member) throws IOException;

  /** Removes a network and all its members; false if there was none. */
  boolean deleteNetwork(long networkId) throws IOException;

  /** Removes a member; false if there was none. */
  boolean deleteMember(long networkId, long address) throws IOException;

  /** Releases resources; the default has none. */
  @Override
  default void close() throws IOException {}
}
