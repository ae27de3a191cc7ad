package io.zt4j.node.wire;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Minimal reader of the lab's Ethernet pcap files: UDP payload per frame number (1-based). */
final class PcapUdp {
  private PcapUdp() {}

  /** UDP payloads by frame number (index 0 unused); null for frames that are not UDP. */
  static List<byte[]> udpPayloads(Path pcap) {
    byte[] f;
    try {
      f = Files.readAllBytes(pcap);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ByteBuffer b = ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN);
    if (b.getInt(0) != 0xa1b2c3d4 || b.getInt(20) != 1) {
      throw new IllegalArgumentException("expected little-endian Ethernet pcap");
    }
    List<byte[]> out = new ArrayList<>();
    out.add(null);
    int p = 24;
    while (p + 16 <= f.length) {
      int caplen = b.getInt(p + 8);
      int frame = p + 16;
      out.add(udp(f, frame, caplen));
      p = frame + caplen;
    }
    return out;
  }

  private static byte[] udp(byte[] f, int off, int len) {
    int type = ((f[off + 12] & 0xff) << 8) | (f[off + 13] & 0xff);
    int ip = off + 14;
    int l4;
    if (type == 0x0800) {
      if ((f[ip + 9] & 0xff) != 17) {
        return null;
      }
      l4 = ip + (f[ip] & 0x0f) * 4;
    } else if (type == 0x86dd) {
      if ((f[ip + 6] & 0xff) != 17) {
        return null;
      }
      l4 = ip + 40;
    } else {
      return null;
    }
    int udpLen = ((f[l4 + 4] & 0xff) << 8) | (f[l4 + 5] & 0xff);
    return Arrays.copyOfRange(f, l4 + 8, l4 + udpLen);
  }
}
