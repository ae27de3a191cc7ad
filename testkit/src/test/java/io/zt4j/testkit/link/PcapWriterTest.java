package io.zt4j.testkit.link;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The pcap bytes as libpcap reads them: nanosecond header, per-record lengths, snaplen cut. */
class PcapWriterTest {
  @Test
  void writesANanosecondPcapWithTruncatedRecords() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    byte[] frame = new byte[100];
    for (int i = 0; i < frame.length; i++) {
      frame[i] = (byte) i;
    }
    try (PcapWriter w = new PcapWriter(bytes, PcapWriter.ETHERNET, 64)) {
      w.write(1_500_000_123L, frame, 10, 60); // fits
      w.write(-5, frame, 0, 100); // cut to the snaplen; a negative time is clamped to 0
      assertThat(w.packets()).isEqualTo(2);
    }
    ByteBuffer b = ByteBuffer.wrap(bytes.toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
    assertThat(b.remaining()).isEqualTo(24 + 16 + 60 + 16 + 64);
    assertThat(b.getInt()).isEqualTo(0xA1B23C4D);
    assertThat(b.getShort()).isEqualTo((short) 2);
    assertThat(b.getShort()).isEqualTo((short) 4);
    assertThat(b.getInt()).isZero();
    assertThat(b.getInt()).isZero();
    assertThat(b.getInt()).isEqualTo(64);
    assertThat(b.getInt()).isEqualTo(PcapWriter.ETHERNET);

    assertThat(b.getInt()).isEqualTo(1);
    assertThat(b.getInt()).isEqualTo(500_000_123);
    assertThat(b.getInt()).isEqualTo(60);
    assertThat(b.getInt()).isEqualTo(60);
    byte[] first = new byte[60];
    b.get(first);
    assertThat(first).isEqualTo(Arrays.copyOfRange(frame, 10, 70));

    assertThat(b.getInt()).isZero();
    assertThat(b.getInt()).isZero();
    assertThat(b.getInt()).isEqualTo(64);
    assertThat(b.getInt()).isEqualTo(100);
    byte[] second = new byte[64];
    b.get(second);
    assertThat(second).isEqualTo(Arrays.copyOf(frame, 64));
  }
}
