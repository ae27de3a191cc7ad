package io.zt4j.node.vl1;

import static io.zt4j.node.vl1.Vl1Constants.SELFAWARENESS_ENTRY_TIMEOUT_MILLIS;

import io.zt4j.node.wire.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the node knows of its own external addresses ({@code SelfAwareness}): peers report, in
 * HELLO and OK(HELLO), the address our packets came from. Those reports are what PUSH_DIRECT_PATHS
 * advertises besides the host's interface addresses.
 *
 * <p>A report is believed only when it has the same IP scope as the reporter's own address (a
 * global peer tells us our global address) and is not loopback, multicast or nil. When a trusted
 * reporter (an upstream) says our address in a scope changed, paths in that scope and family are
 * reset (re-confirmed with ECHO) since the network below us has probably changed.
 *
 * <p>Bounded: one entry per (reporter, local socket, reporter address), entries expire after
 * {@link Vl1Constants#SELFAWARENESS_ENTRY_TIMEOUT_MILLIS}, and at most {@link #MAX_ENTRIES} are
 * kept.
 */
public final class SelfAwareness {
  /** Upper bound on remembered reports. */
  public static final int MAX_ENTRIES = 4096;

  /** Called when a trusted report says our address changed in a scope and family. */
  @FunctionalInterface
  public interface ScopeReset {
    void reset(IpScope scope, InetAddress.Family family, long now);
  }

  private record Key(long reporter, long localSocket, InetAddress reporterAddress, IpScope scope) {}

  private static final class Entry {
    InetAddress mySurface;
    long at;
  }

  private final Map<Key, Entry> entries = new HashMap<>();
  private final ScopeReset reset;

  public SelfAwareness(ScopeReset reset) {
    this.reset = reset;
  }

  /**
   * Records that {@code reporter}, reached at {@code reporterAddress} over {@code localSocket},
   * sees us as {@code mySurface}.
   */
  public void iam(long reporter, long localSocket, InetAddress reporterAddress, InetAddress mySurface, boolean trusted, long now) {
    IpScope scope = IpScope.of(mySurface);
    if (scope != IpScope.of(reporterAddress) || scope == IpScope.NONE || scope == IpScope.LOOPBACK
        || scope == IpScope.MULTICAST) {
      return;
    }
    Key key = new Key(reporter, localSocket, reporterAddress, scope);
    Entry e = entries.get(key);
    if (e == null) {
      if (entries.size() >= MAX_ENTRIES) {
        clean(now);
        if (entries.size() >= MAX_ENTRIES) {
          return;
        }
      }
      e = new Entry();
      e.at = Long.MIN_VALUE / 2;
      entries.put(key, e);
    }
    boolean changed = e.mySurface == null || !sameIp(e.mySurface, mySurface);
    if (trusted && now - e.at < SELFAWARENESS_ENTRY_TIMEOUT_MILLIS && changed) {
      e.mySurface = mySurface;
      e.at = now;
      // Forget what other reporters said in this scope, so conflicting reports cannot thrash.
      entries.keySet().removeIf(k -> !k.reporterAddress().equals(reporterAddress) && k.scope() == scope);
      reset.reset(scope, mySurface.family(), now);
    } else {
      e.mySurface = mySurface;
      e.at = now;
    }
  }

  /** Our external addresses as reported, without duplicates, in first-report order. */
  public List<InetAddress> whoami() {
    Set<InetAddress> s = new LinkedHashSet<>();
    for (Entry e : entries.values()) {
      if (e.mySurface != null) {
        s.add(e.mySurface);
      }
    }
    return new ArrayList<>(s);
  }

  /** Drops reports older than the entry timeout. */
  public void clean(long now) {
    for (Iterator<Entry> it = entries.values().iterator(); it.hasNext(); ) {
      if (now - it.next().at >= SELFAWARENESS_ENTRY_TIMEOUT_MILLIS) {
        it.remove();
      }
    }
  }

  int size() {
    return entries.size();
  }

  private static boolean sameIp(InetAddress a, InetAddress b) {
    return a.family() == b.family() && a.withPort(0).equals(b.withPort(0));
  }
}
