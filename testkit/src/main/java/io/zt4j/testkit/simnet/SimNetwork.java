package io.zt4j.testkit.simnet;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A seeded, discrete-event simulation of UDP over an IP internet with NATs, in virtual time.
 *
 * <p>The model: the {@linkplain #internet() internet} is one {@link Realm} (an address space);
 * {@link Nat}s connect a private realm (a LAN) to an outside realm. {@link SimHost}s live in a
 * realm and bind {@link SimSocket}s. A datagram crosses the sender's link, is routed within its
 * realm (to a host, into a NAT from outside, or out through the realm's gateway NAT), and crosses
 * the receiver's link. Every link applies its {@link LinkProfile} (delay, jitter, loss,
 * duplication, reordering). Routers (the internet core and each NAT) decrement the TTL.
 *
 * <p>Every hop is an event, even with zero delay, so a receiver never runs inside its sender's
 * call. Nothing happens on its own: the caller advances virtual time with {@link #runFor},
 * {@link #runUntil(long)} or {@link #runUntil(BooleanSupplier, long)}, which run the scheduled
 * events in time order (ties in scheduling order). All randomness comes from one
 * {@link SplittableRandom} seeded at construction, so a run with the same seed and the same
 * calls is identical.
 *
 * <p>Threading: single-threaded. Every method must be called from the thread that runs the
 * simulation (typically the test thread), including from inside event callbacks.
 */
public final class SimNetwork {
  /** Default IP TTL of datagrams sent without an explicit one (Linux default). */
  public static final int DEFAULT_TTL = 64;

  private final SplittableRandom random;
  private final PriorityQueue<Event> queue = new PriorityQueue<>();
  private final Realm internet;
  private final List<Predicate<Datagram>> dropRules = new ArrayList<>();
  private final Map<Counter, Long> counters = new EnumMap<>(Counter.class);
  private long now;
  private long seq;
  private Consumer<String> tracer;

  /** What happened to datagrams, counted by {@link #count(Counter)}. */
  public enum Counter {
    SENT,
    DELIVERED,
    LOST_ON_LINK,
    DUPLICATED,
    REORDERED,
    TTL_EXPIRED,
    NO_ROUTE,
    PORT_UNREACHABLE,
    NAT_NO_MAPPING,
    NAT_FILTERED,
    NAT_HAIRPIN_REFUSED,
    NAT_HAIRPINNED,
    NAT_MAPPING_CREATED,
    NAT_MAPPING_EXPIRED,
    DROPPED_BY_RULE
  }

  public SimNetwork(long seed) {
    this.random = new SplittableRandom(seed);
    this.internet = new Realm(this, "internet", 1, null, LinkProfile.PERFECT);
  }

  /** The public address space; one router hop for TTL purposes. */
  public Realm internet() {
    return internet;
  }

  /** Current virtual time in milliseconds (starts at 0). */
  public long nowMillis() {
    return now;
  }

  /**
   * Adds a NAT whose public side is {@code publicIp} in {@code outside}; hosts are added to its
   * {@linkplain Nat#inside() inside realm}.
   *
   * @param uplink the link between the NAT and the outside realm
   */
  public Nat addNat(String name, Realm outside, String publicIp, NatBehavior behavior, LinkProfile uplink) {
    InetAddress ip = ip(publicIp);
    Nat nat = new Nat(this, name, outside, ip, behavior, uplink);
    outside.attachNat(nat);
    return nat;
  }

  /** Convenience: a NAT on the internet with a perfect uplink. */
  public Nat addNat(String name, String publicIp, NatBehavior behavior) {
    return addNat(name, internet, publicIp, behavior, LinkProfile.PERFECT);
  }

  /** Runs {@code action} at virtual time {@code atMillis} (now, if in the past). */
  public Scheduled schedule(long atMillis, Runnable action) {
    Event e = new Event(Math.max(atMillis, now), seq++, action);
    queue.add(e);
    return e;
  }

  /** Runs {@code action} after {@code delayMillis} of virtual time. */
  public Scheduled after(long delayMillis, Runnable action) {
    return schedule(now + delayMillis, action);
  }

  /** Runs all events up to and including {@code atMillis}, then sets the clock to it. */
  public void runUntil(long atMillis) {
    while (!queue.isEmpty() && queue.peek().at <= atMillis) {
      step();
    }
    now = Math.max(now, atMillis);
  }

  /** Runs {@code millis} of virtual time. */
  public void runFor(long millis) {
    runUntil(now + millis);
  }

  /**
   * Runs events until {@code condition} holds (checked after each event) or virtual time
   * reaches {@code deadlineMillis}.
   *
   * @return whether the condition held
   */
  public boolean runUntil(BooleanSupplier condition, long deadlineMillis) {
    if (condition.getAsBoolean()) {
      return true;
    }
    while (!queue.isEmpty() && queue.peek().at <= deadlineMillis) {
      step();
      if (condition.getAsBoolean()) {
        return true;
      }
    }
    now = Math.max(now, deadlineMillis);
    return condition.getAsBoolean();
  }

  /** Number of scheduled, not yet run (or cancelled) events. */
  public int pendingEvents() {
    return queue.size();
  }

  /**
   * Drops every datagram matching {@code rule} wherever it is routed (checked each time a
   * datagram enters a realm, with the addresses it has there). Returns a handle to remove it.
   */
  public Runnable addDropRule(Predicate<Datagram> rule) {
    dropRules.add(rule);
    return () -> dropRules.remove(rule);
  }

  /** Drops all datagrams between the two IP addresses, both ways, until the handle is run. */
  public Runnable blockBetween(String ipA, String ipB) {
    InetAddress a = ip(ipA);
    InetAddress b = ip(ipB);
    return addDropRule(d -> {
      InetAddress s = d.source().getAddress();
      InetAddress t = d.destination().getAddress();
      return (s.equals(a) && t.equals(b)) || (s.equals(b) && t.equals(a));
    });
  }

  /** How many datagrams met {@code counter}. */
  public long count(Counter counter) {
    return counters.getOrDefault(counter, 0L);
  }

  /** Sends a line per routing decision to {@code tracer} (null: off). */
  public void trace(Consumer<String> tracer) {
    this.tracer = tracer;
  }

  /** A literal IPv4/IPv6 address (never a host name; no resolver is consulted). */
  public static InetAddress ip(String literal) {
    if (!literal.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*")) {
      throw new IllegalArgumentException("not an IP literal: " + literal);
    }
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an IP literal: " + literal, e);
    }
  }

  /** A socket address from an IP literal and port. */
  public static InetSocketAddress endpoint(String ipLiteral, int port) {
    return new InetSocketAddress(ip(ipLiteral), port);
  }

  // ---- used by the other simnet classes ----

  SplittableRandom random() {
    return random;
  }

  void count(Counter c, Datagram d) {
    counters.merge(c, 1L, Long::sum);
    if (tracer != null) {
      tracer.accept(String.format("%8d %-20s %s", now, c, d));
    }
  }

  boolean droppedByRule(Datagram d) {
    for (Predicate<Datagram> r : dropRules) {
      if (r.test(d)) {
        count(Counter.DROPPED_BY_RULE, d);
        return true;
      }
    }
    return false;
  }

  /**
   * Carries {@code d} across a link with {@code profile}, then hands it (and any duplicate) to
   * {@code next} at the arrival time.
   */
  void crossLink(LinkProfile profile, Datagram d, Consumer<Datagram> next) {
    if (profile.loss() > 0 && random.nextDouble() < profile.loss()) {
      count(Counter.LOST_ON_LINK, d);
      return;
    }
    deliverAfter(profile, d, next);
    if (profile.duplicate() > 0 && random.nextDouble() < profile.duplicate()) {
      count(Counter.DUPLICATED, d);
      deliverAfter(profile, d, next);
    }
  }

  private void deliverAfter(LinkProfile profile, Datagram d, Consumer<Datagram> next) {
    long delay = profile.delayMillis();
    if (profile.jitterMillis() > 0) {
      delay += random.nextLong(profile.jitterMillis() + 1);
    }
    if (profile.reorder() > 0 && random.nextDouble() < profile.reorder()) {
      count(Counter.REORDERED, d);
      delay += profile.reorderDelayMillis();
    }
    // Always through the queue, even with zero delay: a receiver never runs inside its
    // sender's call (nodes must not be re-entered from their own callbacks).
    schedule(now + delay, () -> next.accept(d));
  }

  private void step() {
    Event e = queue.poll();
    if (e.cancelled) {
      return;
    }
    now = e.at;
    e.action.run();
  }

  /** A scheduled action that can be cancelled before it runs. */
  public interface Scheduled {
    /** Prevents the action from running (no effect if it already ran). */
    void cancel();

    /** Virtual time at which it runs. */
    long atMillis();
  }

  private static final class Event implements Comparable<Event>, Scheduled {
    final long at;
    final long seq;
    final Runnable action;
    boolean cancelled;

    Event(long at, long seq, Runnable action) {
      this.at = at;
      this.seq = seq;
      this.action = action;
    }

    @Override
    public int compareTo(Event o) {
      int c = Long.compare(at, o.at);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }

    @Override
    public void cancel() {
      cancelled = true;
    }

    @Override
    public long atMillis() {
      return at;
    }
  }
}
