package io.zt4j.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.zt4j.controller.model.Ids;
import io.zt4j.controller.model.InvalidRequestException;
import io.zt4j.controller.model.Member;
import io.zt4j.controller.model.Network;
import io.zt4j.controller.model.RecordJson;
import io.zt4j.controller.model.Updates;
import io.zt4j.controller.store.ControllerStore;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * The controller's record keeping: networks and members created, changed and deleted as
 * ZeroTier One's controller does it (defaults for new records, a revision counted up on every
 * stored change and only then, deauthorization time stamps), over a {@link ControllerStore}.
 *
 * <p>Deterministic given its clock and random source; no threads. Thread-safe: every operation
 * holds the instance lock, so the HTTP API and the node loop may both call it.
 */
public final class NetworkController {
  private final long address;
  private final ControllerStore store;
  private final LongSupplier clock;
  private final RandomGenerator random;
  private final List<ControllerListener> listeners = new CopyOnWriteArrayList<>();

  /**
   * @param address this controller's ZeroTier address: the top 40 bits of its network IDs
   * @param store where records live
   * @param clock milliseconds since the epoch
   * @param random source for new network IDs (and IPv6 pool picks)
   */
  public NetworkController(long address, ControllerStore store, LongSupplier clock, RandomGenerator random) {
    this.address = address & 0xffffffffffL;
    this.store = store;
    this.clock = clock;
    this.random = random;
  }

  public long address() {
    return address;
  }

  public ControllerStore store() {
    return store;
  }

  public long now() {
    return clock.getAsLong();
  }

  RandomGenerator random() {
    return random;
  }

  public void addListener(ControllerListener l) {
    listeners.add(l);
  }

  public void removeListener(ControllerListener l) {
    listeners.remove(l);
  }

  public synchronized List<Long> networkIds() {
    return store.networkIds();
  }

  public synchronized Optional<Network> network(long networkId) {
    return store.network(networkId);
  }

  public synchronized List<Member> members(long networkId) {
    return store.members(networkId);
  }

  public synchronized Optional<Member> member(long networkId, long memberAddress) {
    return store.member(networkId, memberAddress);
  }

  /**
   * Creates a network with a fresh random ID under this controller's address (the last 24 bits
   * random and never zero) and applies {@code body} to it.
   */
  public synchronized Network createNetwork(JsonNode body) throws InvalidRequestException, IOException {
    long prefix = address << 24;
    for (int tries = 0; tries < 100_000; tries++) {
      long id = prefix | (random.nextLong() & 0xffffffL);
      if ((id & 0xffffffL) == 0) {
        id |= 1;
      }
      if (store.network(id).isEmpty()) {
        return updateNetwork(id, body);
      }
    }
    throw new IOException("no free network ID left under " + Ids.address(address));
  }

  /**
   * Applies {@code body} to network {@code networkId}, creating it with ZeroTier's defaults if it
   * does not exist (as ZeroTier's controller does, whatever the ID's prefix). Stores and counts a
   * revision only if something changed.
   */
  public synchronized Network updateNetwork(long networkId, JsonNode body) throws InvalidRequestException, IOException {
    Optional<Network> old = store.network(networkId);
    Network n = old.map(Network::copy).orElseGet(() -> new Network(networkId, now()));
    Updates.applyToNetwork(n, body);
    if (old.isEmpty() || !sameExceptRevision(RecordJson.render(old.get()), RecordJson.render(n))) {
      n.revision(n.revision() + 1);
      store.putNetwork(n);
      for (ControllerListener l : listeners) {
        l.networkChanged(networkId);
      }
    }
    return n;
  }

  /** Deletes a network and its members; returns what was deleted. */
  public synchronized Optional<Network> deleteNetwork(long networkId) throws IOException {
    Optional<Network> old = store.network(networkId);
    if (old.isEmpty()) {
      return old;
    }
    List<Member> members = store.members(networkId);
    store.deleteNetwork(networkId);
    for (ControllerListener l : listeners) {
      for (Member m : members) {
        if (m.authorized()) {
          l.memberDeauthorized(networkId, m.address());
        }
      }
      l.networkDeleted(networkId);
    }
    return old;
  }

  /**
   * Applies {@code body} to a member of an existing network, creating the member if needed;
   * empty if the network does not exist.
   */
  public synchronized Optional<Member> updateMember(long networkId, long memberAddress, JsonNode body)
      throws InvalidRequestException, IOException {
    if (store.network(networkId).isEmpty()) {
      return Optional.empty();
    }
    Optional<Member> old = store.member(networkId, memberAddress);
    Member m = old.map(Member::copy).orElseGet(() -> new Member(networkId, memberAddress, now()));
    Updates.applyToMember(m, body, now());
    saveMember(old.orElse(null), m);
    return Optional.of(m);
  }

  /** Deletes a member; returns what was deleted. */
  public synchronized Optional<Member> deleteMember(long networkId, long memberAddress) throws IOException {
    Optional<Member> old = store.member(networkId, memberAddress);
    if (old.isPresent()) {
      store.deleteMember(networkId, memberAddress);
      if (old.get().authorized()) {
        for (ControllerListener l : listeners) {
          l.memberDeauthorized(networkId, memberAddress);
        }
      }
    }
    return old;
  }

  /**
   * Stores {@code m} if it differs from {@code old} (or is new), counting its revision, and tells
   * the listeners. The caller holds the lock.
   */
  void saveMember(Member old, Member m) throws IOException {
    if (old != null && sameExceptRevision(RecordJson.render(old), RecordJson.render(m))) {
      return;
    }
    m.revision(m.revision() + 1);
    store.putMember(m);
    for (ControllerListener l : listeners) {
      l.memberChanged(m.networkId(), m.address());
      if (old != null && old.authorized() && !m.authorized()) {
        l.memberDeauthorized(m.networkId(), m.address());
      }
    }
  }

  private static boolean sameExceptRevision(ObjectNode a, ObjectNode b) {
    a.remove("revision");
    b.remove("revision");
    return a.equals(b);
  }
}
