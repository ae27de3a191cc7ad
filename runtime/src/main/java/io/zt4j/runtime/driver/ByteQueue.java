package io.zt4j.runtime.driver;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A bounded single-producer/single-consumer byte queue: the rx or tx buffer of a
 * {@link TcpConnection}, written by one thread and read by another without locks.
 *
 * <p>Bytes live in a chain of chunks. A queue that holds nothing holds (almost) no memory: the
 * first chunk is allocated by the first write, sized for it, and later chunks grow to
 * {@link #MAX_CHUNK}; a chunk the consumer has finished is handed back to the producer through a
 * one-slot spare, and full-size chunks that do not fit there go to a small pool shared by every
 * queue of the JVM ({@link #POOL_SLOTS} chunks at most), so a stream allocates nothing even when
 * the reader takes several chunks at a time (a bulk reader with 128 KiB reads finished four
 * chunks per read and three became garbage: 2.1 GB of allocation per 3 GiB received). The
 * capacity bounds the bytes queued, not the memory of partially consumed chunks (at most one
 * chunk more).
 *
 * <h2>Publication</h2>
 *
 * The producer copies bytes (and links chunks), then publishes them with a volatile store of
 * {@code written}; the consumer's volatile load of {@code written} makes exactly those bytes
 * visible. Symmetrically {@code read} publishes freed room to the producer. So the only shared
 * mutable state is the two counters (plus the spare chunk).
 *
 * <p>The counters are volatile (sequentially consistent), not merely release/acquire, because
 * the connections use them in Dekker pairs with their volatile {@code reader}/{@code writer}/
 * {@code rxStalled} fields: "publish bytes, then look for a parked reader" on one side against
 * "register as parked, then look for bytes" on the other. With a release store the loop's later
 * load of {@code reader} may be ordered before the store (StoreLoad; x86 does this), both sides
 * miss each other and the reader parks forever — a 1 GiB stream hung once in ~10 runs under
 * load. A volatile store costs one fence per publish (per chunk copy, not per byte).
 *
 * <p>Threading: {@link #write}/{@link #fill}/{@link #free} are producer-only;
 * {@link #read}/{@link #drain}/{@link #available} consumer-only; {@link #size} anyone.
 */
public final class ByteQueue {
  /** Largest chunk: big enough that a bulk stream does few chain walks. */
  public static final int MAX_CHUNK = 32 * 1024;
  static final int MIN_CHUNK = 512;
  /** Full-size chunks the JVM-wide pool keeps at most (1 MiB). */
  static final int POOL_SLOTS = 32;
  /** Finished {@link #MAX_CHUNK} chunks for any queue; each slot is claimed by CAS (any thread). */
  private static final AtomicReferenceArray<Chunk> POOL = new AtomicReferenceArray<>(POOL_SLOTS);

  private static final VarHandle WRITTEN;
  private static final VarHandle READ;

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.lookup();
      WRITTEN = l.findVarHandle(ByteQueue.class, "written", long.class);
      READ = l.findVarHandle(ByteQueue.class, "read", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Copies bytes into a queue's chunk (the loop reading a stack socket straight into rx). */
  @FunctionalInterface
  public interface Source {
    /** Writes up to {@code len} bytes at {@code b[off]}; returns the count, or {@code <= 0} to stop. */
    int fill(byte[] b, int off, int len);
  }

  /** Takes bytes from a queue's chunk (the loop handing tx bytes straight to a stack socket). */
  @FunctionalInterface
  public interface Sink {
    /** Consumes up to {@code len} bytes from {@code b[off]}; returns the count, or {@code <= 0} to stop. */
    int take(byte[] b, int off, int len);
  }

  private static final class Chunk {
    final byte[] data;
    int limit;
    int pos;
    Chunk next;

    Chunk(int size) {
      data = new byte[size];
    }
  }

  private volatile int capacity;
  @SuppressWarnings("unused") private volatile long written;
  @SuppressWarnings("unused") private volatile long read;
  private final AtomicReference<Chunk> spare = new AtomicReference<>();

  // producer-private
  private Chunk tail;
  private long producerWritten;
  // consumer-private
  private Chunk head;
  private long consumerRead;

  public ByteQueue(int capacity) {
    capacity(capacity);
    Chunk sentinel = new Chunk(0);
    tail = sentinel;
    head = sentinel;
  }

  /** Changes the bound (takes effect for later writes; never drops queued bytes). */
  public void capacity(int bytes) {
    if (bytes <= 0) {
      throw new IllegalArgumentException("capacity " + bytes);
    }
    capacity = bytes;
  }

  public int capacity() {
    return capacity;
  }

  /** Bytes queued (a snapshot; exact from either side for its own counter). */
  public int size() {
    return (int) ((long) WRITTEN.getVolatile(this) - (long) READ.getVolatile(this));
  }

  // ------------------------------------------------------------------ producer side

  /** Size of the chunk the producer writes into (tests: memory held by a quiet queue). */
  int tailChunkBytes() {
    return tail.data.length;
  }

  /** Room for more bytes (producer only). */
  public int free() {
    return (int) Math.max(0, capacity - (producerWritten - (long) READ.getVolatile(this)));
  }

  /** Copies up to {@code len} bytes in; returns how many fitted (0 when full). Producer only. */
  public int write(byte[] src, int off, int len) {
    int room = free();
    int n = Math.min(room, len);
    int done = 0;
    while (done < n) {
      Chunk t = room(n - done);
      int k = Math.min(n - done, t.data.length - t.limit);
      System.arraycopy(src, off + done, t.data, t.limit, k);
      t.limit += k;
      done += k;
    }
    publish(done);
    return done;
  }

  /**
   * Lets {@code source} write straight into the queue's chunks until it returns {@code <= 0},
   * the queue is full, or it wrote less than offered. Returns the bytes added. Producer only.
   */
  public int fill(Source source) {
    return fill(source, Integer.MAX_VALUE);
  }

  /**
   * {@link #fill(Source)} from a source known to hold {@code expected} bytes: new chunks are
   * sized for that, not for all the free room, and a source with nothing ({@code expected <= 0})
   * is not called. So a connection that receives a byte now and then holds a small chunk, not
   * a {@link #MAX_CHUNK} one per readiness event. Producer only.
   */
  public int fill(Source source, int expected) {
    int total = 0;
    int room = free();
    while (room > 0 && total < expected) {
      Chunk t = room(Math.min(room, expected - total));
      int offer = Math.min(room, t.data.length - t.limit);
      int k = source.fill(t.data, t.limit, offer);
      if (k <= 0) {
        break;
      }
      t.limit += k;
      total += k;
      room -= k;
      if (k < offer) {
        break;
      }
    }
    publish(total);
    return total;
  }

  private void publish(int n) {
    if (n > 0) {
      producerWritten += n;
      WRITTEN.setVolatile(this, producerWritten);
    }
  }

  /** The tail chunk, with a fresh one linked when the tail is full. */
  private Chunk room(int want) {
    Chunk t = tail;
    if (t.limit < t.data.length) {
      return t;
    }
    int size = Math.max(MIN_CHUNK, Math.min(MAX_CHUNK, Integer.highestOneBit(Math.max(1, want - 1)) << 1));
    if (t.data.length > 0) {
      size = Math.max(size, Math.min(MAX_CHUNK, t.data.length * 2)); // streams grow toward MAX_CHUNK
    }
    Chunk c = spare.getAndSet(null);
    if ((c == null || c.data.length < size) && size == MAX_CHUNK) {
      c = takePooled();
    }
    if (c == null || c.data.length < size) {
      c = new Chunk(size);
    } else {
      c.limit = 0;
      c.pos = 0;
      c.next = null;
    }
    t.next = c;
    tail = c;
    return c;
  }

  // ------------------------------------------------------------------ consumer side

  /** Bytes ready to read (consumer only). */
  public int available() {
    return (int) ((long) WRITTEN.getVolatile(this) - consumerRead);
  }

  /** Copies up to {@code len} bytes out; returns the count (0 when empty). Consumer only. */
  public int read(byte[] dst, int off, int len) {
    int n = Math.min(len, available());
    int done = 0;
    while (done < n) {
      Chunk h = current();
      int k = Math.min(n - done, h.limit - h.pos);
      System.arraycopy(h.data, h.pos, dst, off + done, k);
      h.pos += k;
      done += k;
    }
    consumed(done);
    return done;
  }

  /**
   * Offers queued bytes to {@code sink} chunk by chunk until it takes less than offered or the
   * queue is empty. Returns the bytes taken. Consumer only.
   */
  public int drain(Sink sink) {
    int avail = available();
    int total = 0;
    while (total < avail) {
      Chunk h = current();
      int offer = Math.min(avail - total, h.limit - h.pos);
      int k = sink.take(h.data, h.pos, offer);
      if (k <= 0) {
        break;
      }
      h.pos += k;
      total += k;
      if (k < offer) {
        break;
      }
    }
    consumed(total);
    return total;
  }

  /** Drops everything queued. Consumer only. */
  public void discard() {
    int n = available();
    int done = 0;
    while (done < n) {
      Chunk h = current();
      int k = Math.min(n - done, h.limit - h.pos);
      h.pos += k;
      done += k;
    }
    consumed(done);
  }

  /** The head chunk with unread bytes (called only when some are available). */
  private Chunk current() {
    Chunk h = head;
    while (h.pos == h.limit && h.pos == h.data.length) {
      Chunk next = h.next;
      if (h.data.length > 0) {
        h.next = null; // the producer linked it before publishing the bytes of next: it is done with h
        Chunk older = spare.getAndSet(h);
        if (older != null && older.data.length == MAX_CHUNK) {
          offerPooled(older);
        }
      }
      h = next;
    }
    head = h;
    return h;
  }

  private static Chunk takePooled() {
    for (int i = 0; i < POOL_SLOTS; i++) {
      Chunk c = POOL.get(i);
      if (c != null && POOL.compareAndSet(i, c, null)) {
        return c;
      }
    }
    return null;
  }

  private static void offerPooled(Chunk c) {
    for (int i = 0; i < POOL_SLOTS; i++) {
      if (POOL.get(i) == null && POOL.compareAndSet(i, null, c)) {
        return;
      }
    }
  }

  /** Full-size chunks waiting in the JVM-wide pool (tests). */
  static int pooledChunks() {
    int n = 0;
    for (int i = 0; i < POOL_SLOTS; i++) {
      if (POOL.get(i) != null) {
        n++;
      }
    }
    return n;
  }

  private void consumed(int n) {
    if (n > 0) {
      consumerRead += n;
      READ.setVolatile(this, consumerRead);
    }
  }
}
