package io.zt4j.runtime.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ByteQueueTest {
  /** A source holding {@code data}; counts its calls. */
  static final class Bytes implements ByteQueue.Source {
    final byte[] data;
    int pos;
    int calls;

    Bytes(byte[] data) {
      this.data = data;
    }

    @Override
    public int fill(byte[] b, int off, int len) {
      calls++;
      int n = Math.min(len, data.length - pos);
      System.arraycopy(data, pos, b, off, n);
      pos += n;
      return n;
    }
  }

  static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new SplittableRandom(seed).nextBytes(b);
    return b;
  }

  @Test
  void fillSizesTheChunkForWhatTheSourceHolds() {
    ByteQueue q = new ByteQueue(256 * 1024);
    Bytes one = new Bytes(new byte[] {42});
    assertThat(q.fill(one, 1)).isEqualTo(1);
    assertThat(q.tailChunkBytes()).as("one byte does not take a full-size chunk").isEqualTo(ByteQueue.MIN_CHUNK);
    byte[] b = new byte[8];
    assertThat(q.read(b, 0, 8)).isEqualTo(1);
    assertThat(b[0]).isEqualTo((byte) 42);

    // nothing there: the source is not asked and nothing is allocated
    ByteQueue empty = new ByteQueue(256 * 1024);
    Bytes none = new Bytes(new byte[0]);
    assertThat(empty.fill(none, 0)).isZero();
    assertThat(none.calls).isZero();
    assertThat(empty.tailChunkBytes()).isZero();
  }

  @Test
  void fillWithAnExpectedCountStillMovesEverythingInOrder() {
    byte[] data = random(200_000, 7);
    ByteQueue q = new ByteQueue(64 * 1024);
    Bytes src = new Bytes(data);
    byte[] out = new byte[data.length];
    int got = 0;
    while (got < data.length) {
      q.fill(src, data.length - src.pos);
      assertThat(q.size()).isLessThanOrEqualTo(64 * 1024);
      got += q.read(out, got, Math.min(10_000, out.length - got));
    }
    assertThat(out).isEqualTo(data);
    assertThat(q.tailChunkBytes()).isLessThanOrEqualTo(ByteQueue.MAX_CHUNK);
  }

  @Test
  void fillWithoutACountFillsTheFreeRoom() {
    byte[] data = random(100_000, 8);
    ByteQueue q = new ByteQueue(40_000);
    Bytes src = new Bytes(data);
    assertThat(q.fill(src)).isEqualTo(40_000);
    byte[] out = new byte[40_000];
    assertThat(q.read(out, 0, out.length)).isEqualTo(40_000);
    assertThat(out).isEqualTo(Arrays.copyOf(data, 40_000));
  }

  @Test
  void aReaderTakingSeveralChunksAtATimeLetsTheStreamReuseThem() {
    ByteQueue q = new ByteQueue(1 << 20);
    byte[] data = random(128 * 1024, 7);
    byte[] in = new byte[data.length];
    for (int round = 0; round < 4; round++) { // warm-up: chunks grow to full size, the pool fills
      assertThat(q.write(data, 0, data.length)).isEqualTo(data.length);
      assertThat(q.read(in, 0, in.length)).isEqualTo(in.length);
    }
    assertThat(ByteQueue.pooledChunks()).isPositive();
    com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory
        .getThreadMXBean();
    long tid = Thread.currentThread().getId();
    long before = mx.getThreadAllocatedBytes(tid);
    for (int round = 0; round < 32; round++) {
      assertThat(q.write(data, 0, data.length)).isEqualTo(data.length);
      assertThat(q.read(in, 0, in.length)).isEqualTo(in.length);
    }
    long allocated = mx.getThreadAllocatedBytes(tid) - before;
    assertThat(in).isEqualTo(data);
    // 4 MiB streamed in reads of four chunks: without the pool three of every four chunks were new
    assertThat(allocated).as("bytes allocated while streaming 4 MiB").isLessThan(ByteQueue.MAX_CHUNK);
  }
}
