package io.zt4j.testkit.link;

/**
 * A one-way, lossless, in-memory link for benchmarks and simple tests: {@link #offer} copies a
 * frame into a preallocated slot (no allocation per frame), {@link #drainTo} hands queued frames
 * to a sink in order. Capacity is fixed; a full pipe drops and counts. Single-threaded.
 */
public final class FramePipe {
  private final byte[][] slots;
  private final int[] lengths;
  private int head;
  private int size;
  private long dropped;
  private long passed;

  public FramePipe(int capacity, int maxFrame) {
    slots = new byte[capacity][maxFrame];
    lengths = new int[capacity];
  }

  /** Copies the frame in; false (and counted) when full or too big. */
  public boolean offer(byte[] buf, int off, int len) {
    if (size == slots.length || len > slots[0].length) {
      dropped++;
      return false;
    }
    int i = (head + size) % slots.length;
    System.arraycopy(buf, off, slots[i], 0, len);
    lengths[i] = len;
    size++;
    return true;
  }

  /** Delivers every queued frame (including ones the sink queues meanwhile); returns how many. */
  public int drainTo(FrameSink sink, long nowNanos) {
    int n = 0;
    while (size > 0) {
      int i = head;
      sink.deliver(slots[i], 0, lengths[i], nowNanos); // slot stays reserved during the call
      head = (head + 1) % slots.length;
      size--;
      passed++;
      n++;
    }
    return n;
  }

  public int size() {
    return size;
  }

  public long dropped() {
    return dropped;
  }

  public long passed() {
    return passed;
  }
}
