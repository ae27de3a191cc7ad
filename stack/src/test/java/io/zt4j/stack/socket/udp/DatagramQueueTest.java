package io.zt4j.stack.socket.udp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class DatagramQueueTest {
  @Property(tries = 1000)
  void fifoWithinCapacity(@ForAll @Size(max = 300) List<@IntRange(min = -1, max = 300) Integer> ops) {
    DatagramQueue q = new DatagramQueue(1000, 8);
    ArrayDeque<byte[]> model = new ArrayDeque<>();
    int counter = 0;
    for (int op : ops) {
      if (op < 0 || op % 3 == 0) {
        byte[] out = new byte[400];
        UdpMeta m = new UdpMeta();
        int n = q.poll(out, 0, out.length, m);
        byte[] expected = model.pollFirst();
        if (expected == null) {
          assertThat(n).isEqualTo(-1);
        } else {
          assertThat(Arrays.copyOf(out, n)).isEqualTo(expected);
          assertThat(m.length()).isEqualTo(expected.length);
          assertThat(m.srcPort()).isEqualTo(expected.length == 0 ? 0 : expected[0] & 0xFF);
        }
      } else {
        byte[] d = new byte[op];
        Arrays.fill(d, (byte) counter++);
        boolean ok = q.offer(d, 0, d.length, 0, 1, d.length == 0 ? 0 : d[0] & 0xFF, 0, 2, 1);
        int used = model.stream().mapToInt(x -> x.length).sum();
        if (model.isEmpty()) {
          assertThat(ok).isTrue();
        }
        if (ok) {
          model.addLast(d);
        } else {
          // Refused only when the count is full, or the free bytes are split in two pieces that
          // are both too small (then the datagram exceeds half the free space), or the ring has
          // wrapped and wastes its end, which is smaller than one datagram (at most 300 here).
          int free = 1000 - used;
          assertThat(model.size() == 8 || 2 * d.length >= free || d.length >= free - 300)
              .as("used %d len %d", used, d.length).isTrue();
        }
      }
      assertThat(q.size()).isEqualTo(model.size());
      assertThat(q.bytes()).isEqualTo(model.stream().mapToInt(x -> x.length).sum());
    }
  }

  @org.junit.jupiter.api.Test
  void aWrappedRingThatIsExactlyFullRefusesInsteadOfOverwritingTheOldest() {
    DatagramQueue q = new DatagramQueue(4000, 64);
    byte[] d = new byte[1000];
    for (int i = 0; i < 4; i++) {
      d[0] = (byte) i;
      assertThat(q.offer(d, 0, 1000, 0, 0, 1, 0, 0, 1)).isTrue();
    }
    byte[] out = new byte[1000];
    assertThat(q.poll(out, 0, 1000, null)).isEqualTo(1000);
    d[0] = 4;
    assertThat(q.offer(d, 0, 1000, 0, 0, 1, 0, 0, 1)).isTrue(); // wraps to [0, 1000): tail == head
    d[0] = 5;
    assertThat(q.offer(d, 0, 1000, 0, 0, 1, 0, 0, 1)).isFalse();
    for (int expect = 1; expect <= 4; expect++) {
      assertThat(q.poll(out, 0, 1000, null)).isEqualTo(1000);
      assertThat(out[0]).isEqualTo((byte) expect);
    }
    assertThat(q.isEmpty()).isTrue();
  }
}
