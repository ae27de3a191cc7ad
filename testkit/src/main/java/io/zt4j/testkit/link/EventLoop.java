package io.zt4j.testkit.link;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Runs a set of time-driven participants (stacks, switches, nodes) on a {@link ManualClock}:
 * repeatedly jumps to the earliest {@code pollAt()} and polls everything that is due. Virtual
 * time makes multi-second protocol timeouts take microseconds of real time, and runs repeat
 * exactly. Single-threaded.
 */
public final class EventLoop {
  /** Something with deadlines: the same shape as the stack's and node's poll/pollAt. */
  public interface Participant {
    long pollAt();

    void poll(long nowNanos);
  }

  private final ManualClock clock;
  private final List<Participant> participants = new ArrayList<>();
  private long steps;

  public EventLoop(ManualClock clock) {
    this.clock = clock;
  }

  public ManualClock clock() {
    return clock;
  }

  public long now() {
    return clock.nanos();
  }

  public EventLoop add(Participant p) {
    participants.add(p);
    return this;
  }

  public EventLoop add(SimSwitch sw) {
    return add(new Participant() {
      @Override
      public long pollAt() {
        return sw.pollAt();
      }

      @Override
      public void poll(long nowNanos) {
        sw.poll(nowNanos);
      }
    });
  }

  /** Number of poll rounds run so far. */
  public long steps() {
    return steps;
  }

  /**
   * Runs until {@code done} holds (checked after every round) or virtual time would pass
   * {@code clock.nanos() + maxNanos}; returns whether {@code done} held.
   */
  public boolean runUntil(BooleanSupplier done, long maxNanos) {
    long deadline = clock.nanos() + maxNanos;
    if (done.getAsBoolean()) {
      return true;
    }
    for (int spins = 0; ; ) {
      long next = Long.MAX_VALUE;
      for (Participant p : participants) {
        next = Math.min(next, p.pollAt());
      }
      if (next > deadline) {
        clock.advanceTo(deadline);
        return done.getAsBoolean();
      }
      if (next <= clock.nanos()) {
        if (++spins > 100_000) {
          throw new IllegalStateException("no progress: a participant keeps asking to be polled at " + next);
        }
      } else {
        spins = 0;
      }
      clock.advanceTo(next);
      long now = clock.nanos();
      for (Participant p : participants) {
        if (p.pollAt() <= now) {
          p.poll(now);
        }
      }
      steps++;
      if (done.getAsBoolean()) {
        return true;
      }
    }
  }

  /** Runs for {@code nanos} of virtual time. */
  public void runFor(long nanos) {
    runUntil(() -> false, nanos);
  }
}
