package io.zt4j.stack.socket;

import java.util.Arrays;

/**
 * FIFO of sockets whose readiness may have changed, each present at most once (an intrusive
 * flag on the socket makes {@link #offer} O(1) and duplicate-free). The driver drains it with
 * {@link #poll()} and then asks each socket for its {@link StackSocket#readiness()}.
 * Owner-thread only.
 */
public final class ReadinessQueue {
  private StackSocket[] ring = new StackSocket[64];
  private int head;
  private int size;

  void offer(StackSocket s) {
    if (s.queued) {
      return;
    }
    s.queued = true;
    if (size == ring.length) {
      StackSocket[] bigger = new StackSocket[ring.length * 2];
      for (int i = 0; i < size; i++) {
        bigger[i] = ring[(head + i) & (ring.length - 1)];
      }
      ring = bigger;
      head = 0;
    }
    ring[(head + size) & (ring.length - 1)] = s;
    size++;
  }

  /** The next socket to look at, or null when none changed. */
  public StackSocket poll() {
    if (size == 0) {
      return null;
    }
    StackSocket s = ring[head];
    ring[head] = null;
    head = (head + 1) & (ring.length - 1);
    size--;
    s.queued = false;
    return s;
  }

  public boolean isEmpty() {
    return size == 0;
  }

  public int size() {
    return size;
  }

  /** Drops every entry (e.g. when the stack is torn down). */
  public void clear() {
    StackSocket s;
    while ((s = poll()) != null) {
      s.queued = false;
    }
    Arrays.fill(ring, null);
  }
}
