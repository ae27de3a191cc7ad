package io.zt4j.node.vl2;

import io.zt4j.node.wire.MAC;
import io.zt4j.node.wire.MulticastGroup;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The node's multicast directory and sender ({@code Multicaster} in ZeroTier): who subscribed to
 * which group on which network (learned from MULTICAST_LIKE and gather results), and outbound
 * multicasts still looking for recipients.
 *
 * <p>Members expire {@link #LIKE_EXPIRE_MILLIS} after their last LIKE. A multicast goes to up to
 * the network's multicast limit of recipients (active bridges first, then members in random
 * order); if fewer members are known it is queued for {@link #TRANSMIT_TIMEOUT_MILLIS} and sent
 * to members as gather results arrive, after a MULTICAST_GATHER to the best root, the controller,
 * anchors and replicators. Roots and controllers keep this directory for networks they are not
 * members of, and answer gathers from it.
 *
 * <p>Not thread-safe; owned by {@link Vl2}.
 */
final class Multicaster {

  static final long LIKE_EXPIRE_MILLIS = 600_000;
  static final long EXPLICIT_GATHER_DELAY_MILLIS = LIKE_EXPIRE_MILLIS / 10;
  static final long TRANSMIT_TIMEOUT_MILLIS = 5_000;
  static final int TX_QUEUE_SIZE = 32;
  /** Most members a gather answer lists (what fits in one packet). */
  static final int MAX_GATHER_RESULTS = 0xFFFF;

  private record Key(long networkId, MulticastGroup group) {}

  /** A multicast waiting for (more) recipients. */
  static final class Outbound {
    final long createdAt;
    final long limit;
    final long gatherLimit;
    final MAC source; // null: our own MAC
    final MAC sourceMacForFilter;
    final MulticastGroup group;
    final int etherType;
    final byte[] frame;
    final Set<Long> sentTo = new HashSet<>();

    Outbound(long createdAt, long limit, long gatherLimit, MAC source, MAC sourceMacForFilter, MulticastGroup group,
        int etherType, byte[] frame) {
      this.createdAt = createdAt;
      this.limit = limit;
      this.gatherLimit = gatherLimit;
      this.source = source;
      this.sourceMacForFilter = sourceMacForFilter;
      this.group = group;
      this.etherType = etherType;
      this.frame = frame;
    }

    boolean expired(long now) {
      return now - createdAt >= TRANSMIT_TIMEOUT_MILLIS;
    }

    boolean atLimit() {
      return sentTo.size() >= limit;
    }
  }

  private static final class GroupStatus {
    final TreeMap<Long, Long> members = new TreeMap<>(); // address -> last LIKE
    long lastExplicitGather = Long.MIN_VALUE;
    final List<Outbound> txQueue = new ArrayList<>();
  }

  /** Sends one MULTICAST_FRAME copy (filtering and credential push included); see Vl2. */
  interface Sender {
    void send(long networkId, Outbound out, long to);
  }

  private final long self;
  private final Map<Key, GroupStatus> groups = new HashMap<>();

  Multicaster(long self) {
    this.self = self;
  }

  /** Records that {@code member} subscribes to {@code group} (a LIKE or gather result). */
  void add(long now, long networkId, MulticastGroup group, long member, Sender sender) {
    if (member == self || member == 0) {
      return;
    }
    GroupStatus gs = groups.computeIfAbsent(new Key(networkId, group), k -> new GroupStatus());
    boolean isNew = gs.members.put(member, now) == null;
    if (!isNew) {
      return;
    }
    for (Iterator<Outbound> it = gs.txQueue.iterator(); it.hasNext(); ) {
      Outbound tx = it.next();
      if (!tx.atLimit() && tx.sentTo.add(member)) {
        sender.send(networkId, tx, member);
      }
      if (tx.atLimit()) {
        it.remove();
      }
    }
  }

  void remove(long networkId, MulticastGroup group, long member) {
    GroupStatus gs = groups.get(new Key(networkId, group));
    if (gs != null) {
      gs.members.remove(member);
    }
  }

  /** Known members of a group (without us), most recently added addresses not preferred. */
  List<Long> members(long networkId, MulticastGroup group) {
    GroupStatus gs = groups.get(new Key(networkId, group));
    return gs == null ? List.of() : List.copyOf(gs.members.keySet());
  }

  /**
   * Up to {@code limit} members of a group, in random order, without {@code querier}; us first
   * if {@code includeSelf} ({@code Multicaster::gather}).
   */
  Vl2Packets.GatherResults gather(long querier, long networkId, MulticastGroup group, long limit, boolean includeSelf,
      java.util.random.RandomGenerator random) {
    limit = Math.min(limit, MAX_GATHER_RESULTS);
    List<Long> out = new ArrayList<>();
    long totalKnown = 0;
    if (includeSelf && limit > 0) {
      out.add(self);
      totalKnown++;
    }
    GroupStatus gs = groups.get(new Key(networkId, group));
    if (gs != null && !gs.members.isEmpty()) {
      totalKnown += gs.members.size();
      List<Long> shuffled = new ArrayList<>(gs.members.keySet());
      shuffle(shuffled, random);
      for (long a : shuffled) {
        if (out.size() >= limit) {
          break;
        }
        if (a != querier) {
          out.add(a);
        }
      }
    }
    return new Vl2Packets.GatherResults(totalKnown & 0xFFFF_FFFFL, out);
  }

  /**
   * Sends a multicast ({@code Multicaster::send}): to known members up to the limit, queueing it
   * (and asking {@code gatherFrom} for members) when too few are known.
   *
   * @param origin the member the frame came from when we replicate for it, else 0
   * @param activeBridges the network's active bridges (they get every multicast)
   * @param gatherFrom who to send MULTICAST_GATHER to if gathering now (best root, controller…)
   * @param gatherer sends one MULTICAST_GATHER
   */
  void send(long now, long networkId, long limit, List<Long> activeBridges, long origin, MulticastGroup group,
      MAC source, MAC sourceMacForFilter, int etherType, byte[] frame, java.util.random.RandomGenerator random,
      Sender sender, java.util.function.Supplier<List<Long>> gatherFrom,
      java.util.function.BiConsumer<Long, Long> gatherer) {
    GroupStatus gs = groups.computeIfAbsent(new Key(networkId, group), k -> new GroupStatus());
    List<Long> members = new ArrayList<>(gs.members.keySet());
    shuffle(members, random);
    if (members.size() >= limit) {
      Outbound out = new Outbound(now, limit, 1, source, sourceMacForFilter, group, etherType, frame);
      int count = 0;
      for (long b : activeBridges) {
        if (b != self && b != origin) {
          out.sentTo.add(b);
          sender.send(networkId, out, b);
          if (++count >= limit) {
            break;
          }
        }
      }
      for (int i = 0; count < limit && i < members.size(); i++) {
        long m = members.get(i);
        if (!activeBridges.contains(m) && m != origin) {
          out.sentTo.add(m);
          sender.send(networkId, out, m);
          count++;
        }
      }
      return;
    }
    while (gs.txQueue.size() >= TX_QUEUE_SIZE) {
      gs.txQueue.remove(0);
    }
    long gatherLimit = (limit - members.size()) + 1;
    if (members.isEmpty() || gs.lastExplicitGather == Long.MIN_VALUE
        || now - gs.lastExplicitGather >= EXPLICIT_GATHER_DELAY_MILLIS) {
      gs.lastExplicitGather = now;
      for (long peer : gatherFrom.get()) {
        gatherer.accept(peer, gatherLimit);
      }
    }
    Outbound out = new Outbound(now, limit, gatherLimit, source, sourceMacForFilter, group, etherType, frame);
    gs.txQueue.add(out);
    if (origin != 0) {
      out.sentTo.add(origin);
    }
    int count = 0;
    for (long b : activeBridges) {
      if (b != self) {
        out.sentTo.add(b);
        sender.send(networkId, out, b);
        if (++count >= limit) {
          break;
        }
      }
    }
    for (int i = 0; count < limit && i < members.size(); i++) {
      long m = members.get(i);
      if (!activeBridges.contains(m) && out.sentTo.add(m)) {
        sender.send(networkId, out, m);
        count++;
      }
    }
  }

  /** Expires members and finished or timed-out multicasts. */
  void clean(long now) {
    for (Iterator<GroupStatus> it = groups.values().iterator(); it.hasNext(); ) {
      GroupStatus gs = it.next();
      gs.txQueue.removeIf(tx -> tx.expired(now) || tx.atLimit());
      gs.members.values().removeIf(ts -> now - ts >= LIKE_EXPIRE_MILLIS);
      if (gs.members.isEmpty() && gs.txQueue.isEmpty()) {
        it.remove();
      }
    }
  }

  /** Forgets a network's groups (after leaving it). */
  void forget(long networkId) {
    groups.keySet().removeIf(k -> k.networkId() == networkId);
  }

  int groupCount() {
    return groups.size();
  }

  private static void shuffle(List<Long> l, java.util.random.RandomGenerator random) {
    for (int i = l.size() - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      Long t = l.get(i);
      l.set(i, l.get(j));
      l.set(j, t);
    }
  }
}
