package io.zt4j.node.vl1;

import io.zt4j.node.wire.InetAddress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** UDP datagrams of a classic pcap file (Ethernet link type, IPv4/IPv6), with times and endpoints. */
public final class LabPcap {
  public record Datagram(long micros, InetAddress from, InetAddress to, byte[] payload) {}

  private LabPcap() {}

  public static List<Datagram> read(Path pcap) {
    byte[] d;
    try {
      d = Files.readAllBytes(pcap);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ByteBuffer b = ByteBuffer.wrap(d).order(ByteOrder.LITTLE_ENDIAN);
    if (b.getInt(0) != 0xa1b2c3d4 || b.getInt(20) != 1) {
      throw new IllegalArgumentException("not a little-endian Ethernet pcap: " + pcap);
    }
    List<Datagram> out = new ArrayList<>();
    int p = 24;
    while (p + 16 <= d.length) {
      long sec = b.getInt(p) & 0xffffffffL;
      long usec = b.getInt(p + 4) & 0xffffffffL;
      int incl = b.getInt(p + 8);
      int f = p + 16;
      p = f + incl;
      int ethType = ((d[f + 12] & 0xff) << 8) | (d[f + 13] & 0xff);
      int ip = f + 14;
      int udp;
      byte[] src;
      byte[] dst;
      if (ethType == 0x0800 && d[ip + 9] == 17) {
        udp = ip + (d[ip] & 0x0f) * 4;
        src = Arrays.copyOfRange(d, ip + 12, ip + 16);
        dst = Arrays.copyOfRange(d, ip + 16, ip + 20);
      } else if (ethType == 0x86dd && d[ip + 6] == 17) {
        udp = ip + 40;
        src = Arrays.copyOfRange(d, ip + 8, ip + 24);
        dst = Arrays.copyOfRange(d, ip + 24, ip + 40);
      } else {
        continue;
      }
      int sport = ((d[udp] & 0xff) << 8) | (d[udp + 1] & 0xff);
      int dport = ((d[udp + 2] & 0xff) << 8) | (d[udp + 3] & 0xff);
      int ulen = ((d[udp + 4] & 0xff) << 8) | (d[udp + 5] & 0xff);
      byte[] payload = Arrays.copyOfRange(d, udp + 8, udp + ulen);
      out.add(new Datagram(sec * 1_000_000 + usec, InetAddress.of(src, sport), InetAddress.of(dst, dport), payload));
    }
    return out;
  }
}
