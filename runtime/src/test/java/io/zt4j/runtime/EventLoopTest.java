package io.zt4j.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class EventLoopTest {
  @Test
  void iterationEndHooksRunAfterTheTasksOfEveryIterationOnTheLoopThread() throws Exception {
    List<String> order = new CopyOnWriteArrayList<>();
    List<Boolean> onLoop = new CopyOnWriteArrayList<>();
    CountDownLatch threeIterations = new CountDownLatch(3);
    try (EventLoop loop = new EventLoop("test-loop")) {
      loop.call(() -> {
        loop.addTask(now -> {
          order.add("task");
          return Long.MAX_VALUE;
        });
        loop.onIterationEnd(() -> {
          onLoop.add(loop.inLoop());
          order.add("end");
          threeIterations.countDown();
        });
        return null;
      });
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (threeIterations.getCount() > 0 && System.nanoTime() < deadline) {
        loop.wakeup();
        Thread.sleep(5);
      }
      assertThat(threeIterations.getCount()).as("iteration-end hook runs per iteration; failure %s", loop.failure())
          .isZero();
    }
    assertThat(onLoop).containsOnly(true);
    assertThat(order.size()).isGreaterThanOrEqualTo(6);
    for (int i = 0; i + 1 < order.size(); i += 2) {
      assertThat(order.subList(i, i + 2)).containsExactly("task", "end");
    }
  }
}
