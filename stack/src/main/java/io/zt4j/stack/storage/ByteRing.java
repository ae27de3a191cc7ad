package io.zt4j.stack.storage;

/**
 * A byte ring buffer with a capacity limit and a backing array that grows on demand (doubling,
 * from {@link #MIN_BACKING} bytes) up to the limit, and can be released when empty. Idle TCP
 * connections therefore hold no buffer memory, and a busy one grows to its window.
 *
 * <p>Besides FIFO append/read it supports the two TCP uses:
 *
 * <ul>
 *   <li>send side: {@link #peek} copies bytes at any offset from the head without consuming them
 *       (retransmissions), {@link #discard} drops acknowledged bytes;
 *   <li>receive side: {@link #writeAt} places out-of-order bytes past the committed end (the
 *       caller tracks which ranges are filled), {@link #commit} makes them readable once in
 *       order.
 * </ul>
 *
 * Payload is copied exactly once into the ring and once out of it. Not thread-safe; one owner.
 */
public final class ByteRing {
  /** Smallest backing array allocated on first use. */
  public static final int MIN_BACKING = 4096;

  private static final byte[] EMPTY = new byte[0];

  private byte[] data = EMPTY;
  private int head;
  private int size;
  private int limit;
  /** Bytes past {@link #size} that {@link #writeAt} may have filled (must survive a regrow). */
  private int extent;

  public ByteRing(int limit) {
    limit(limit);
  }

  /** Readable (committed) bytes. */
  public int size() {
    return size;
  }

  /** The capacity limit. */
  public int limit() {
    return limit;
  }

  /** Changes the limit; it never drops below the bytes held. */
  public void limit(int newLimit) {
    if (newLimit < 0) {
      throw new IllegalArgumentException("limit " + newLimit);
    }
    limit = Math.max(newLimit, Math.max(size, extent == 0 ? 0 : size + extent));
  }

  /** Room left under the limit for committed bytes. */
  public int free() {
    return limit - size;
  }

  public boolean isEmpty() {
    return size == 0;
  }

  /** Bytes of backing array currently allocated. */
  public int allocated() {
    return data.length;
  }

  /** Appends up to {@code len} bytes (as many as fit under the limit); returns the count. */
  public int write(byte[] src, int off, int len) {
    int n = Math.min(len, limit - size);
    if (n <= 0) {
      return 0;
    }
    writeAt(0, src, off, n);
    size += n;
    extent = Math.max(0, extent - n);
    return n;
  }

  /**
   * Copies {@code len} bytes to position {@code size() + at} without making them readable.
   * The range must lie under the limit.
   */
  public void writeAt(int at, byte[] src, int off, int len) {
    if (at < 0 || len < 0 || (long) size + at + len > limit) {
      throw new IllegalArgumentException("writeAt " + at + "+" + len + " beyond limit " + limit + " (size " + size + ")");
    }
    ensureBacking(size + at + len);
    int cap = data.length;
    int pos = head + size + at;
    if (pos >= cap) {
      pos -= cap;
    }
    int first = Math.min(len, cap - pos);
    System.arraycopy(src, off, data, pos, first);
    if (first < len) {
      System.arraycopy(src, off + first, data, 0, len - first);
    }
    extent = Math.max(extent, at + len);
  }

  /** Makes {@code n} bytes placed by {@link #writeAt} right after the committed end readable. */
  public void commit(int n) {
    if (n < 0 || size + n > limit) {
      throw new IllegalArgumentException("commit " + n);
    }
    size += n;
    extent = Math.max(0, extent - n);
  }

  /** Forgets out-of-order bytes written past the committed end. */
  public void dropUncommitted() {
    extent = 0;
  }

  /** Copies out and consumes up to {@code len} bytes; returns the count. */
  public int read(byte[] dst, int off, int len) {
    int n = peek(0, dst, off, len);
    discard(n);
    return n;
  }

  /**
   * Copies up to {@code len} committed bytes starting {@code at} bytes after the head, without
   * consuming them; returns the count.
   */
  public int peek(int at, byte[] dst, int off, int len) {
    int n = Math.min(len, size - at);
    if (n <= 0) {
      return 0;
    }
    int cap = data.length;
    int pos = head + at;
    if (pos >= cap) {
      pos -= cap;
    }
    int first = Math.min(n, cap - pos);
    System.arraycopy(data, pos, dst, off, first);
    if (first < n) {
      System.arraycopy(data, 0, dst, off + first, n - first);
    }
    return n;
  }

  /** Drops {@code n} bytes from the head. */
  public void discard(int n) {
    if (n < 0 || n > size) {
      throw new IllegalArgumentException("discard " + n + " of " + size);
    }
    size -= n;
    head += n;
    if (head >= data.length) {
      head -= data.length;
    }
    if (size == 0 && extent == 0) {
      head = 0;
    }
  }

  /** Releases the backing array when nothing is held, so an idle owner costs no buffer memory. */
  public void release() {
    if (size == 0 && extent == 0) {
      data = EMPTY;
      head = 0;
    }
  }

  private void ensureBacking(int needed) {
    if (needed <= data.length) {
      return;
    }
    int cap = Math.max(MIN_BACKING, data.length);
    while (cap < needed) {
      cap = cap > (1 << 29) ? Integer.MAX_VALUE - 8 : cap * 2;
    }
    cap = Math.min(cap, Math.max(limit, needed));
    byte[] next = new byte[cap];
    int used = Math.min(data.length, size + extent);
    if (used > 0) {
      int first = Math.min(used, data.length - head);
      System.arraycopy(data, head, next, 0, first);
      if (first < used) {
        System.arraycopy(data, 0, next, first, used - first);
      }
    }
    data = next;
    head = 0;
  }
}
