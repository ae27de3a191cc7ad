package io.zt4j.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** {@link EventLoop#runIfIdle}: work on the calling thread under the core lock, one owner at a time. */
class EventLoopInlineTest {

  /** Waits until the loop has gone to sleep (a call, then a short pause for it to reach select). */
  private static void awaitAsleep(EventLoop loop) throws Exception {
    loop.call(() -> null);
    Thread.sleep(20);
  }

  /**
   * {@link EventLoop#runIfIdle} until it runs (the loop may need a moment to reach
   * {@code select} on a loaded machine); false if it never did within 10 s.
   */
  private static boolean runInlineSoon(EventLoop loop, EventLoop.Task work) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      if (loop.runIfIdle(work)) {
        return true;
      }
      Thread.sleep(5);
    }
    return false;
  }

  @Test
  void runsOnTheCallingThreadWhenTheLoopSleepsAndOwnsTheCoresMeanwhile() throws Exception {
    try (EventLoop loop = new EventLoop("test-inline")) {
      awaitAsleep(loop);
      AtomicReference<Thread> ranOn = new AtomicReference<>();
      AtomicBoolean ownedCores = new AtomicBoolean();
      AtomicInteger endHooks = new AtomicInteger();
      loop.call(() -> {
        loop.onIterationEnd(endHooks::incrementAndGet);
        return null;
      });
      awaitAsleep(loop);
      AtomicInteger before = new AtomicInteger();
      boolean ran = runInlineSoon(loop, now -> {
        before.set(endHooks.get()); // read by the owner: the loop is asleep, past its own hooks
        ranOn.set(Thread.currentThread());
        ownedCores.set(loop.inLoop());
        return Long.MAX_VALUE;
      });
      assertThat(ran).isTrue();
      assertThat(ranOn.get()).isSameAs(Thread.currentThread());
      assertThat(ownedCores).isTrue();
      assertThat(loop.inLoop()).as("the lock is released after the run").isFalse();
      assertThat(endHooks.get()).as("iteration-end hooks run after an inline run").isEqualTo(before.get() + 1);
      assertThat(loop.call(loop::inlineRuns)).isEqualTo(1);
    }
  }

  @Test
  void neverRunsInlineOnTheLoopThreadOrInsideAnotherInlineRunOrWhenDisabled() throws Exception {
    try (EventLoop loop = new EventLoop("test-inline")) {
      assertThat(loop.call(() -> loop.runIfIdle(now -> Long.MAX_VALUE))).as("on the loop thread").isFalse();
      awaitAsleep(loop);
      AtomicBoolean nested = new AtomicBoolean(true);
      assertThat(runInlineSoon(loop, now -> {
        nested.set(loop.runIfIdle(n -> Long.MAX_VALUE));
        return Long.MAX_VALUE;
      })).isTrue();
      assertThat(nested).as("re-entrant inline run").isFalse();
      loop.inlineEnabled(false);
      awaitAsleep(loop);
      assertThat(loop.runIfIdle(now -> Long.MAX_VALUE)).as("disabled").isFalse();
    }
  }

  @Test
  void anEarlierDeadlineWakesTheLoopAndALaterOneDoesNot() throws Exception {
    try (EventLoop loop = new EventLoop("test-inline")) {
      AtomicLong due = new AtomicLong(Long.MAX_VALUE);
      AtomicInteger iterations = new AtomicInteger();
      CountDownLatch fired = new CountDownLatch(1);
      loop.call(() -> {
        loop.addTask(now -> {
          iterations.incrementAndGet();
          if (now >= due.get()) {
            due.set(Long.MAX_VALUE);
            fired.countDown();
          }
          return due.get();
        });
        return null;
      });
      awaitAsleep(loop);
      int asleepAt = iterations.get();
      // a later deadline than the loop's (none: it sleeps without a deadline) would still need
      // it; a deadline far away set inline must wake it so it sleeps with that deadline
      assertThat(runInlineSoon(loop, now -> {
        due.set(now + TimeUnit.MILLISECONDS.toNanos(30));
        return due.get();
      })).isTrue();
      assertThat(fired.await(5, TimeUnit.SECONDS)).as("the timer set inline fires; loop failure %s", loop.failure())
          .isTrue();
      assertThat(iterations.get()).isGreaterThan(asleepAt);
      // now the loop sleeps with a timer in 10 s: inline work with a later deadline leaves it asleep
      loop.call(() -> {
        due.set(System.nanoTime() + TimeUnit.SECONDS.toNanos(10));
        return null;
      });
      awaitAsleep(loop);
      AtomicInteger asleepAfter = new AtomicInteger(-1);
      for (int i = 0; i < 20; i++) {
        assertThat(runInlineSoon(loop, now -> {
          if (asleepAfter.get() < 0) {
            asleepAfter.set(iterations.get()); // the loop is asleep, past its last iteration
          }
          return now + TimeUnit.SECONDS.toNanos(60);
        })).isTrue();
      }
      Thread.sleep(50);
      assertThat(iterations.get()).as("no wake-up for a later deadline").isEqualTo(asleepAfter.get());
    }
  }

  @Test
  void manyThreadsRunningInlineNeverOverlapAndNeverStarveTheLoop() throws Exception {
    try (EventLoop loop = new EventLoop("test-inline")) {
      AtomicInteger inside = new AtomicInteger();
      AtomicInteger overlaps = new AtomicInteger();
      AtomicInteger inlineRuns = new AtomicInteger();
      AtomicBoolean stop = new AtomicBoolean();
      long[] counter = new long[1]; // unsynchronized: only core owners touch it
      AtomicInteger loopRuns = new AtomicInteger();
      loop.call(() -> {
        loop.addTask(now -> {
          loopRuns.incrementAndGet();
          if (inside.incrementAndGet() != 1) {
            overlaps.incrementAndGet();
          }
          counter[0]++;
          inside.decrementAndGet();
          return Long.MAX_VALUE;
        });
        return null;
      });
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        Thread th = new Thread(() -> {
          while (!stop.get()) {
            boolean ran = loop.runIfIdle(now -> {
              if (inside.incrementAndGet() != 1) {
                overlaps.incrementAndGet();
              }
              counter[0]++;
              inside.decrementAndGet();
              return Long.MAX_VALUE;
            });
            if (ran) {
              inlineRuns.incrementAndGet();
            } else {
              loop.wakeup();
            }
          }
        });
        threads.add(th);
        th.start();
      }
      // the loop keeps serving commands promptly while the threads hammer it
      long worst = 0;
      for (int i = 0; i < 200; i++) {
        long t0 = System.nanoTime();
        loop.call(() -> null);
        worst = Math.max(worst, System.nanoTime() - t0);
      }
      stop.set(true);
      for (Thread th : threads) {
        th.join();
      }
      long inlineCounted = loop.call(() -> counter[0] - loopRuns.get()); // both read by the owner
      assertThat(overlaps).as("two owners of the cores at once").hasValue(0);
      assertThat(inlineRuns.get()).as("some runs were inline").isPositive();
      assertThat(inlineCounted).as("no update lost: every run counted exactly once").isEqualTo(inlineRuns.get());
      assertThat(worst).as("a command waited too long for the loop").isLessThan(TimeUnit.SECONDS.toNanos(2));
      assertThat(loop.failure()).isNull();
    }
  }
}
