package io.zt4j.stack.iface;

import io.zt4j.stack.ip.StackStats.Counter;
import io.zt4j.stack.wire.IpAddress;
import io.zt4j.stack.wire.MacAddress;
import java.util.ArrayDeque;

/**
 * The neighbor cache of one interface, for IPv4 (ARP, RFC 826) and IPv6 (NDP, RFC 4861) alike:
 * one state machine (RFC 4861 §7.3.2) serves both, as in most kernels.
 *
 * <pre>
 *   (new) ──► INCOMPLETE ──reply──► REACHABLE ──ReachableTime──► STALE ──use──► DELAY
 *                 │ 3 tries                ▲                                    │ 5 s
 *                 ▼                        └────── reply / confirmation ─── PROBE ◄┘
 *              (gone: queued packets dropped, senders told HOST_UNREACHABLE)
 * </pre>
 *
 * <p>Packets for an INCOMPLETE neighbor wait in a bounded per-neighbor queue (copies) and leave
 * when the answer arrives. REACHABLE→STALE is evaluated lazily on use, so only entries that are
 * resolving or probing have timers, and {@link #poll} scans the table only when one is due.
 * Owner-thread only.
 */
final class NeighborCache {
  static final int INCOMPLETE = 1;
  static final int REACHABLE = 2;
  static final int STALE = 3;
  static final int DELAY = 4;
  static final int PROBE = 5;

  /** RFC 4861 §10 protocol constants. */
  static final long RETRANS_TIMER_NANOS = 1_000_000_000L;
  static final int MAX_MULTICAST_SOLICIT = 3;
  static final int MAX_UNICAST_SOLICIT = 3;
  static final long DELAY_FIRST_PROBE_NANOS = 5_000_000_000L;
  static final long REACHABLE_TIME_NANOS = 30_000_000_000L;
  /** Entries unused this long are collected. */
  static final long GC_IDLE_NANOS = 600_000_000_000L;
  static final long GC_INTERVAL_NANOS = 60_000_000_000L;
  static final int MAX_ENTRIES = 4096;
  /** Per-neighbor queue of packets awaiting resolution (Linux: unres_qlen_bytes 212992). */
  static final int MAX_PENDING_FRAMES = 64;
  static final int MAX_PENDING_BYTES = 256 * 1024;

  static final class Entry {
    final long hi;
    final long lo;
    long mac = -1;
    int state;
    long timerAt = Long.MAX_VALUE;
    long reachableUntil;
    long lastUsed;
    int probes;
    ArrayDeque<byte[]> pending;
    int pendingBytes;

    Entry(long hi, long lo) {
      this.hi = hi;
      this.lo = lo;
    }
  }

  private final IpCore core;
  private final Interface ifc;
  private final AddressTable<Entry> table = new AddressTable<>(MAX_ENTRIES);
  private final long reachableTime;
  private long nextTimerAt = Long.MAX_VALUE;
  private long nextGcAt = Long.MAX_VALUE;

  NeighborCache(IpCore core, Interface ifc) {
    this.core = core;
    this.ifc = ifc;
    // RFC 4861 §6.3.2: a uniformly random multiple (0.5 .. 1.5) of the base value.
    this.reachableTime = REACHABLE_TIME_NANOS / 2 + (long) (core.random().nextDouble() * REACHABLE_TIME_NANOS);
  }

  int size() {
    return table.size();
  }

  long peekMac(long hi, long lo) {
    Entry e = table.get(hi, lo);
    return e == null ? -1 : e.mac;
  }

  /**
   * The MAC for an outgoing frame to neighbor {@code (hi, lo)}, or -1 when resolution is pending,
   * in which case the caller queues the frame with {@link #enqueue}.
   */
  long lookup(long hi, long lo, long now) {
    Entry e = table.get(hi, lo);
    if (e == null) {
      e = new Entry(hi, lo);
      if (!insert(e, now)) {
        return -2;
      }
      e.state = INCOMPLETE;
      e.probes = 1;
      e.lastUsed = now;
      setTimer(e, now + RETRANS_TIMER_NANOS);
      solicit(e, false, now);
      return -1;
    }
    e.lastUsed = now;
    switch (e.state) {
      case INCOMPLETE -> {
        return -1;
      }
      case REACHABLE -> {
        if (now < e.reachableUntil) {
          return e.mac;
        }
        e.state = DELAY;
        setTimer(e, now + DELAY_FIRST_PROBE_NANOS);
        return e.mac;
      }
      case STALE -> {
        e.state = DELAY;
        setTimer(e, now + DELAY_FIRST_PROBE_NANOS);
        return e.mac;
      }
      default -> {
        return e.mac;
      }
    }
  }

  /** Queues a frame copy ({@code headroom} + frame + {@code tailroom}) behind resolution. */
  void enqueue(long hi, long lo, byte[] frameCopy) {
    Entry e = table.get(hi, lo);
    if (e == null || e.state != INCOMPLETE) {
      core.stats().count(Counter.DROP_NEIGHBOR_UNRESOLVED);
      return;
    }
    if (e.pending == null) {
      e.pending = new ArrayDeque<>(4);
    }
    while (!e.pending.isEmpty()
        && (e.pending.size() >= MAX_PENDING_FRAMES || e.pendingBytes + frameCopy.length > MAX_PENDING_BYTES)) {
      e.pendingBytes -= e.pending.pollFirst().length; // keep the newest, like Linux
      core.stats().count(Counter.DROP_NEIGHBOR_UNRESOLVED);
    }
    e.pending.addLast(frameCopy);
    e.pendingBytes += frameCopy.length;
  }

  /**
   * A solicited answer (ARP reply, NA with S set): RFC 4861 §7.2.5. {@code override} false keeps
   * a different known MAC (then the entry only goes STALE).
   */
  void confirmed(long hi, long lo, long mac, boolean solicited, boolean override, long now) {
    Entry e = table.get(hi, lo);
    if (e == null) {
      return; // unsolicited answers do not create entries (§7.2.5)
    }
    if (e.state == INCOMPLETE) {
      if (mac < 0) {
        return;
      }
      e.mac = mac;
      e.state = solicited ? REACHABLE : STALE;
      e.reachableUntil = now + reachableTime;
      clearTimer(e);
      flush(e);
      return;
    }
    boolean differs = mac >= 0 && mac != e.mac;
    if (!override && differs) {
      if (e.state == REACHABLE) {
        e.state = STALE;
      }
      return;
    }
    if (mac >= 0) {
      e.mac = mac;
    }
    if (solicited) {
      e.state = REACHABLE;
      e.reachableUntil = now + reachableTime;
      clearTimer(e);
    } else if (differs) {
      e.state = STALE;
      clearTimer(e);
    }
  }

  /**
   * A neighbor told us its MAC without being asked (NS/RS source link-layer option, ARP request
   * addressed to us): create or refresh the entry as STALE (RFC 4861 §7.2.3, RFC 826 merge).
   */
  void learned(long hi, long lo, long mac, boolean create, long now) {
    Entry e = table.get(hi, lo);
    if (e == null) {
      if (!create) {
        return;
      }
      e = new Entry(hi, lo);
      if (!insert(e, now)) {
        return;
      }
      e.lastUsed = now;
      e.mac = mac;
      e.state = STALE;
      return;
    }
    if (e.state == INCOMPLETE) {
      e.mac = mac;
      e.state = STALE;
      clearTimer(e);
      flush(e);
    } else if (e.mac != mac) {
      e.mac = mac;
      e.state = STALE;
      clearTimer(e);
    }
  }

  /** Upper-layer confirmation (RFC 4861 §7.3.1). */
  void confirmReachable(long hi, long lo, long now) {
    Entry e = table.get(hi, lo);
    if (e != null && e.state != INCOMPLETE) {
      e.state = REACHABLE;
      e.reachableUntil = now + reachableTime;
      clearTimer(e);
    }
  }

  long pollAt() {
    return Math.min(nextTimerAt, nextGcAt);
  }

  void poll(long now) {
    if (now >= nextGcAt) {
      nextGcAt = Long.MAX_VALUE;
      table.removeIf(e -> e.state != INCOMPLETE && now - e.lastUsed > GC_IDLE_NANOS);
      if (table.size() > 0) {
        nextGcAt = now + GC_INTERVAL_NANOS;
      }
    }
    if (now < nextTimerAt) {
      return;
    }
    nextTimerAt = Long.MAX_VALUE;
    table.removeIf(e -> expire(e, now));
    table.forEach(e -> {
      if (e.timerAt != Long.MAX_VALUE && e.timerAt < nextTimerAt) {
        nextTimerAt = e.timerAt;
      }
    });
  }

  /** Runs one entry's timer; true when the entry must go. */
  private boolean expire(Entry e, long now) {
    if (e.timerAt == Long.MAX_VALUE || now < e.timerAt) {
      return false;
    }
    switch (e.state) {
      case INCOMPLETE -> {
        if (e.probes >= MAX_MULTICAST_SOLICIT) {
          failed(e, now);
          return true;
        }
        e.probes++;
        e.timerAt = now + RETRANS_TIMER_NANOS;
        solicit(e, false, now);
        return false;
      }
      case DELAY -> {
        e.state = PROBE;
        e.probes = 1;
        e.timerAt = now + RETRANS_TIMER_NANOS;
        solicit(e, true, now);
        return false;
      }
      case PROBE -> {
        if (e.probes >= MAX_UNICAST_SOLICIT) {
          return true; // RFC 4861 §7.3.3: delete; the next packet starts over
        }
        e.probes++;
        e.timerAt = now + RETRANS_TIMER_NANOS;
        solicit(e, true, now);
        return false;
      }
      default -> {
        e.timerAt = Long.MAX_VALUE;
        return false;
      }
    }
  }

  private void failed(Entry e, long now) {
    if (e.pending == null) {
      return;
    }
    for (byte[] f : e.pending) {
      core.stats().count(Counter.DROP_NEIGHBOR_UNRESOLVED);
      core.unresolvable(f, core.headroom(), f.length - core.headroom() - core.tailroom(), now);
    }
    e.pending = null;
  }

  private void flush(Entry e) {
    if (e.pending == null) {
      return;
    }
    ArrayDeque<byte[]> q = e.pending;
    e.pending = null;
    e.pendingBytes = 0;
    int off = core.headroom();
    for (byte[] f : q) {
      MacAddress.write(f, off, e.mac);
      ifc.transmit(f, off, f.length - off - core.tailroom());
    }
  }

  private boolean insert(Entry e, long now) {
    if (table.isFull()) {
      // Evict idle entries that are not resolving; if none, refuse.
      table.removeIf(x -> x.state == STALE && x.pending == null);
      if (table.isFull()) {
        core.stats().count(Counter.DROP_NEIGHBOR_UNRESOLVED);
        return false;
      }
    }
    table.put(e.hi, e.lo, e);
    if (nextGcAt == Long.MAX_VALUE) {
      nextGcAt = now + GC_INTERVAL_NANOS;
    }
    return true;
  }

  private void setTimer(Entry e, long at) {
    e.timerAt = at;
    if (at < nextTimerAt) {
      nextTimerAt = at;
    }
  }

  private static void clearTimer(Entry e) {
    e.timerAt = Long.MAX_VALUE;
  }

  private void solicit(Entry e, boolean unicast, long now) {
    if (IpAddress.isV4(e.hi, e.lo)) {
      core.arp.request(ifc, (int) e.lo, unicast ? e.mac : -1);
    } else {
      core.ndp.solicit(ifc, e.hi, e.lo, unicast ? e.mac : -1);
    }
  }
}
