package io.zt4j.controller.store;

import io.zt4j.controller.model.Member;
import io.zt4j.controller.model.Network;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A store in memory only: for tests, and the cache {@link FileStore} serves reads from.
 * Thread-safe (every method holds the instance lock).
 */
public class MemoryStore implements ControllerStore {
  private final Map<Long, Network> networks = new TreeMap<>(Long::compareUnsigned);
  private final Map<Long, Map<Long, Member>> members = new TreeMap<>(Long::compareUnsigned);

  @Override
  public synchronized List<Long> networkIds() {
    return new ArrayList<>(networks.keySet());
  }

  @Override
  public synchronized Optional<Network> network(long networkId) {
    Network n = networks.get(networkId);
    return n == null ? Optional.empty() : Optional.of(n.copy());
  }

  @Override
  public synchronized List<Member> members(long networkId) {
    List<Member> out = new ArrayList<>();
    Map<Long, Member> m = members.get(networkId);
    if (m != null) {
      m.values().forEach(x -> out.add(x.copy()));
    }
    return out;
  }

  @Override
  public synchronized Optional<Member> member(long networkId, long address) {
    Map<Long, Member> m = members.get(networkId);
    Member x = m == null ? null : m.get(address);
    return x == null ? Optional.empty() : Optional.of(x.copy());
  }

  @Override
  public synchronized void putNetwork(Network network) {
    networks.put(network.id(), network.copy());
  }

  @Override
  public synchronized void putMember(Member member) {
    if (!networks.containsKey(member.networkId())) {
      throw new IllegalStateException("no network " + Long.toHexString(member.networkId()) + " for this member");
    }
    members.computeIfAbsent(member.networkId(), k -> new TreeMap<>()).put(member.address(), member.copy());
  }

  @Override
  public synchronized boolean deleteNetwork(long networkId) {
    members.remove(networkId);
    return networks.remove(networkId) != null;
  }

  @Override
  public synchronized boolean deleteMember(long networkId, long address) {
    Map<Long, Member> m = members.get(networkId);
    return m != null && m.remove(address) != null;
  }

  /** Loads a member without the network check (file store loading an orphan-free directory). */
  synchronized void loadMember(Member member) {
    members.computeIfAbsent(member.networkId(), k -> new TreeMap<>()).put(member.address(), member.copy());
  }
}
