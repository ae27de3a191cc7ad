package io.zt4j.node.vl1;

import io.zt4j.node.StateObject;
import io.zt4j.node.NodeEvent;
import io.zt4j.node.identity.Identity;
import io.zt4j.node.wire.InetAddress;
import io.zt4j.node.wire.Parsed;
import io.zt4j.node.wire.World;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Who is out there ({@code Topology}): the planet and moons we orbit and the upstreams (their
 * roots) derived from them, the peers we know, and the physical paths they use.
 *
 * <p>Peers are kept in address order of first sight (deterministic iteration); a peer that has
 * not been heard from for {@link Vl1Constants#PEER_ACTIVITY_TIMEOUT_MILLIS} is written to the
 * host's peer cache and forgotten (upstreams never are), and read back from the cache the next
 * time it is needed. Paths are shared objects keyed by (local socket, remote endpoint), bounded
 * by {@link #MAX_PATHS} and swept of paths no peer uses.
 */
public final class Topology {
  /** Most path objects kept; beyond that unused paths are swept at once. */
  public static final int MAX_PATHS = 65_536;

  private record PathKey(long localSocket, InetAddress address) {}

  private record MoonSeed(long worldId, long seed) {}

  private final Vl1 vl1;
  private final Map<Long, Peer> peers = new LinkedHashMap<>();
  private final Map<PathKey, Path> paths = new HashMap<>();
  private World planet;
  private final List<World> moons = new ArrayList<>();
  private final List<MoonSeed> moonSeeds = new ArrayList<>();
  private List<Long> upstreams = List.of();
  private boolean amUpstream;

  Topology(Vl1 vl1, World planet) {
    this.vl1 = vl1;
    this.planet = planet;
    memoizeUpstreams();
  }

  // ---- worlds -----------------------------------------------------------------------------

  public World planet() {
    return planet;
  }

  public List<World> moons() {
    return Collections.unmodifiableList(moons);
  }

  /** Moon ids we were asked to orbit but have not received yet. */
  public List<Long> moonsWanted() {
    List<Long> w = new ArrayList<>();
    for (MoonSeed s : moonSeeds) {
      if (!w.contains(s.worldId())) {
        w.add(s.worldId());
      }
    }
    return w;
  }

  /** True if we are a root of our planet or of a moon we orbit. */
  public boolean amUpstream() {
    return amUpstream;
  }

  /** Upstream addresses (roots of planet and moons, except us), sorted. */
  public List<Long> upstreamAddresses() {
    return upstreams;
  }

  public boolean isUpstream(long address) {
    return Collections.binarySearch(upstreams, address) >= 0;
  }

  /** Planet and moon roots, and moon seeds, may send world updates. */
  boolean shouldAcceptWorldUpdateFrom(long address) {
    if (isUpstream(address)) {
      return true;
    }
    for (MoonSeed s : moonSeeds) {
      if (s.seed() == address) {
        return true;
      }
    }
    return false;
  }

  /** PLANET for planet roots, MOON for moon roots, LEAF for everyone else. */
  public Role role(long address) {
    if (!isUpstream(address)) {
      return Role.LEAF;
    }
    for (World.Root r : planet.roots()) {
      if (r.identity().address().toLong() == address) {
        return Role.PLANET;
      }
    }
    return Role.MOON;
  }

  /** A peer's role ({@code ZT_PeerRole}). */
  public enum Role {
    LEAF,
    MOON,
    PLANET
  }

  /**
   * Roots may only be reached at the stable endpoints their world lists (when it lists any), a
   * little protection against spoofed paths to them ({@code isProhibitedEndpoint}).
   */
  boolean isProhibitedEndpoint(long address, InetAddress ip) {
    if (!isUpstream(address)) {
      return false;
    }
    List<World> worlds = new ArrayList<>(moons.size() + 1);
    worlds.add(planet);
    worlds.addAll(moons);
    for (World w : worlds) {
      for (World.Root r : w.roots()) {
        if (r.identity().address().toLong() == address) {
          if (r.stableEndpoints().isEmpty()) {
            return false;
          }
          for (InetAddress e : r.stableEndpoints()) {
            if (Peer.sameIp(e, ip)) {
              return false;
            }
          }
        }
      }
    }
    return true;
  }

  /** Upstreams with their stable endpoints (moon seeds with none), in world order. */
  Map<Long, List<InetAddress>> upstreamsToContact() {
    Map<Long, List<InetAddress>> m = new LinkedHashMap<>();
    long self = vl1.address();
    List<World> worlds = new ArrayList<>(moons.size() + 1);
    worlds.add(planet);
    worlds.addAll(moons);
    for (World w : worlds) {
      for (World.Root r : w.roots()) {
        long a = r.identity().address().toLong();
        if (a != self) {
          List<InetAddress> eps = m.computeIfAbsent(a, k -> new ArrayList<>());
          for (InetAddress e : r.stableEndpoints()) {
            if (!eps.contains(e)) {
              eps.add(e);
            }
          }
        }
      }
    }
    for (MoonSeed s : moonSeeds) {
      m.computeIfAbsent(s.seed(), k -> new ArrayList<>());
    }
    return m;
  }

  /**
   * Adopts {@code w} if it is a planet or moon that replaces what we have (same id, newer,
   * signed by the key the old one names), or a new moon we were waiting for (its seed among its
   * roots) or told to orbit ({@code alwaysAcceptNew}). Persists it through the host.
   *
   * @return whether it was adopted
   */
  boolean addWorld(World w, boolean alwaysAcceptNew) {
    if (w.type() == World.Type.PLANET) {
      if (!planet.shouldBeReplacedBy(w)) {
        return false;
      }
      planet = w;
    } else if (w.type() == World.Type.MOON) {
      int existing = -1;
      for (int i = 0; i < moons.size(); i++) {
        if (moons.get(i).id() == w.id()) {
          existing = i;
          break;
        }
      }
      if (existing >= 0) {
        if (!moons.get(existing).shouldBeReplacedBy(w)) {
          return false;
        }
        moons.set(existing, w);
      } else if (alwaysAcceptNew) {
        moons.add(w);
      } else {
        boolean seeded = false;
        for (Iterator<MoonSeed> it = moonSeeds.iterator(); it.hasNext() && !seeded; ) {
          MoonSeed s = it.next();
          if (s.worldId() == w.id()) {
            for (World.Root r : w.roots()) {
              if (r.identity().address().toLong() == s.seed()) {
                seeded = true;
                break;
              }
            }
          }
        }
        // Like ZeroTier, a first copy is trusted because its seed (a root of it) sent it over an
        // authenticated OK(HELLO); later revisions must be signed by the key this one names.
        if (!seeded) {
          return false;
        }
        moonSeeds.removeIf(s -> s.worldId() == w.id());
        moons.add(w);
      }
    } else {
      return false;
    }
    vl1.host().statePut(w.type() == World.Type.PLANET ? StateObject.PLANET : StateObject.MOON, w.id(), w.serialize());
    memoizeUpstreams();
    return true;
  }

  /**
   * Orbits moon {@code worldId}: from the host's stored copy if it has one, otherwise by asking
   * {@code seed} (one of its roots) for it in HELLO.
   */
  void addMoon(long worldId, long seed) {
    Optional<byte[]> stored = vl1.host().stateGet(StateObject.MOON, worldId);
    if (stored.isPresent()) {
      Parsed<World> w = World.parse(stored.get());
      if (w.isOk() && w.value().type() == World.Type.MOON && w.value().id() == worldId) {
        addWorld(w.value(), true);
        return;
      }
      vl1.trace(NodeEvent.Trace.Kind.STATE_IGNORED, 0, InetAddress.NIL,
          "stored moon " + Long.toHexString(worldId) + " is not a valid moon");
    }
    if (seed != 0) {
      MoonSeed s = new MoonSeed(worldId, seed);
      if (!moonSeeds.contains(s)) {
        moonSeeds.add(s);
      }
    }
  }

  /** Stops orbiting moon {@code worldId} and deletes the stored copy. */
  void removeMoon(long worldId) {
    for (Iterator<World> it = moons.iterator(); it.hasNext(); ) {
      if (it.next().id() == worldId) {
        it.remove();
        vl1.host().stateDelete(StateObject.MOON, worldId);
      }
    }
    moonSeeds.removeIf(s -> s.worldId() == worldId);
    memoizeUpstreams();
  }

  private void memoizeUpstreams() {
    Set<Long> ups = new HashSet<>();
    boolean me = false;
    Identity self = vl1.identity();
    List<World> worlds = new ArrayList<>(moons.size() + 1);
    worlds.add(planet);
    worlds.addAll(moons);
    for (World w : worlds) {
      for (World.Root r : w.roots()) {
        if (r.identity().equals(self)) {
          me = true;
        } else if (ups.add(r.identity().address().toLong())) {
          long a = r.identity().address().toLong();
          if (!peers.containsKey(a)) {
            Peer p = vl1.newPeer(r.identity());
            if (p != null) {
              peers.put(a, p);
            }
          }
        }
      }
    }
    List<Long> sorted = new ArrayList<>(ups);
    Collections.sort(sorted);
    upstreams = List.copyOf(sorted);
    amUpstream = me;
  }

  // ---- peers ------------------------------------------------------------------------------

  /** The peer with {@code address}, from memory or the host's peer cache; null if unknown. */
  public Peer peer(long address) {
    if (address == vl1.address()) {
      return null;
    }
    Peer p = peers.get(address);
    if (p != null) {
      return p;
    }
    return loadCachedPeer(address);
  }

  /** The peer if it is in memory (no cache lookup). */
  Peer peerInMemory(long address) {
    return peers.get(address);
  }

  /** Adds {@code p} unless a peer with its address exists; returns the one kept. */
  Peer addPeer(Peer p) {
    Peer existing = peers.putIfAbsent(p.address(), p);
    return existing != null ? existing : p;
  }

  /** Our identity, a known peer's, or null. */
  Identity identityOf(long address) {
    if (address == vl1.address()) {
      return vl1.identity();
    }
    Peer p = peers.get(address);
    return p == null ? null : p.identity();
  }

  public Collection<Peer> peers() {
    return Collections.unmodifiableCollection(peers.values());
  }

  public int peerCount() {
    return peers.size();
  }

  /** The upstream with the best relay quality, or null. */
  Peer bestUpstream(long now) {
    Peer best = null;
    long bestQ = Long.MAX_VALUE;
    for (long a : upstreams) {
      Peer p = peers.get(a);
      if (p != null) {
        long q = p.relayQuality(now);
        if (q <= bestQ) {
          bestQ = q;
          best = p;
        }
      }
    }
    return best;
  }

  private Peer loadCachedPeer(long address) {
    Optional<byte[]> b = vl1.host().stateGet(StateObject.PEER, address);
    if (b.isEmpty()) {
      return null;
    }
    byte[] d = b.get();
    try {
      PayloadReader r = new PayloadReader(d, 0, d.length);
      if (r.u8() != 2) {
        throw new PayloadReader.Truncated("unknown peer cache version");
      }
      Identity id = r.identity();
      if (id.address().toLong() != address) {
        throw new PayloadReader.Truncated("peer cache entry holds another address");
      }
      int proto = r.u16();
      int major = r.u16();
      int minor = r.u16();
      int rev = r.u16();
      int count = r.u16();
      List<InetAddress> tryPaths = new ArrayList<>();
      for (int i = 0; i < count && r.hasRemaining(); i++) {
        tryPaths.add(r.inetAddress());
      }
      Peer p = vl1.newPeer(id);
      if (p == null) {
        throw new PayloadReader.Truncated("key agreement failed");
      }
      p.setRemoteVersion(proto, major, minor, rev);
      peers.put(address, p);
      // Paths are not restored, only tried: they are re-learned if still up.
      for (InetAddress a : tryPaths) {
        if (!a.isNil()) {
          vl1.attemptToContactAt(p, -1, a, vl1.now(), true);
        }
      }
      return p;
    } catch (PayloadReader.Truncated e) {
      vl1.counters().count(Vl1Counters.Drop.CORRUPT_PEER_CACHE);
      vl1.trace(NodeEvent.Trace.Kind.STATE_IGNORED, address, InetAddress.NIL, "peer cache entry ignored: " + e.getMessage());
      return null;
    }
  }

  // ---- paths ------------------------------------------------------------------------------

  /** The shared path object for (socket, endpoint), created on first use. */
  Path path(long localSocket, InetAddress address) {
    PathKey k = new PathKey(localSocket, address);
    Path p = paths.get(k);
    if (p == null) {
      p = new Path(localSocket, address);
      if (paths.size() >= MAX_PATHS) {
        sweepPaths();
      }
      if (paths.size() < MAX_PATHS) {
        paths.put(k, p);
      }
    }
    return p;
  }

  int pathCount() {
    return paths.size();
  }

  private void sweepPaths() {
    Set<Path> used = Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    for (Peer p : peers.values()) {
      used.addAll(p.paths());
    }
    paths.values().removeIf(p -> !used.contains(p));
  }

  // ---- housekeeping -----------------------------------------------------------------------

  /** Caches and forgets dead non-upstream peers; sweeps unused paths ({@code doPeriodicTasks}). */
  void doPeriodicTasks(long now) {
    for (Iterator<Map.Entry<Long, Peer>> it = peers.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<Long, Peer> e = it.next();
      if (!e.getValue().isAlive(now) && !isUpstream(e.getKey())) {
        savePeer(e.getValue());
        it.remove();
      }
    }
    sweepPaths();
  }

  /** Writes every known peer to the host's cache (at shutdown). */
  void saveAll() {
    for (Peer p : peers.values()) {
      savePeer(p);
    }
  }

  private void savePeer(Peer p) {
    vl1.host().statePut(StateObject.PEER, p.address(), p.serializeForCache());
  }
}
