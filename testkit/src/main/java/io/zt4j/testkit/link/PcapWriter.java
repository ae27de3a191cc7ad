package io.zt4j.testkit.link;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a classic pcap file (nanosecond variant, magic {@code a1b23c4d}) for any link type, so a
 * failing test's traffic can be opened in Wireshark or tcpdump. Timestamps are the caller's
 * nanoseconds (virtual time is fine). Not thread-safe unless the caller serialises.
 */
public final class PcapWriter implements Closeable {
  /** LINKTYPE_ETHERNET. */
  public static final int ETHERNET = 1;
  /** LINKTYPE_RAW: bare IPv4/IPv6 packets. */
  public static final int RAW_IP = 101;
  /** LINKTYPE_USER0..15 (147..162), e.g. for ZeroTier packets with a Wireshark dissector. */
  public static final int USER0 = 147;

  private final OutputStream out;
  private final int snaplen;
  private long packets;

  public PcapWriter(OutputStream out, int linkType, int snaplen) {
    this.out = out instanceof BufferedOutputStream ? out : new BufferedOutputStream(out);
    this.snaplen = snaplen;
    ByteBuffer h = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
    h.putInt(0xA1B23C4D).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(snaplen).putInt(linkType);
    write(h.array(), h.array().length);
  }

  /** A file in {@code dir} (created), e.g. {@code target/pcap/TestName.pcap}. */
  public static PcapWriter create(Path file, int linkType) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      return new PcapWriter(Files.newOutputStream(file), linkType, 262144);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public void write(long timestampNanos, byte[] buf, int off, int len) {
    int caplen = Math.min(len, snaplen);
    ByteBuffer h = ByteBuffer.allocate(16 + caplen).order(ByteOrder.LITTLE_ENDIAN);
    long t = Math.max(0, timestampNanos);
    h.putInt((int) (t / 1_000_000_000L)).putInt((int) (t % 1_000_000_000L)).putInt(caplen).putInt(len);
    h.put(buf, off, caplen);
    write(h.array(), h.array().length);
    packets++;
  }

  public long packets() {
    return packets;
  }

  private void write(byte[] b, int n) {
    try {
      out.write(b, 0, n);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public void flush() {
    try {
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      out.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
