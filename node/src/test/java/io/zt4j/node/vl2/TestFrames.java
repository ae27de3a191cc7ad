package io.zt4j.node.vl2;

import java.io.ByteArrayOutputStream;

/** Hand-built Ethernet payloads (IPv4, IPv6, ARP, TCP, UDP, ICMP) for rules and frame tests. */
public final class TestFrames {
  private TestFrames() {}

  public static byte[] ip4(String s) {
    String[] p = s.split("\\.");
    byte[] b = new byte[4];
    for (int i = 0; i < 4; i++) {
      b[i] = (byte) Integer.parseInt(p[i]);
    }
    return b;
  }

  public static byte[] ip6(String s) {
    return io.zt4j.node.wire.InetAddress.fromIpString(s).orElseThrow().ip();
  }

  /** IPv4 header (IHL 5, no checksum) followed by {@code payload}. */
  public static byte[] ipv4(int tos, int proto, String src, String dst, byte[] payload) {
    byte[] p = new byte[20 + payload.length];
    p[0] = 0x45;
    p[1] = (byte) tos;
    p[2] = (byte) (p.length >> 8);
    p[3] = (byte) p.length;
    p[8] = 64;
    p[9] = (byte) proto;
    System.arraycopy(ip4(src), 0, p, 12, 4);
    System.arraycopy(ip4(dst), 0, p, 16, 4);
    System.arraycopy(payload, 0, p, 20, payload.length);
    return p;
  }

  /** IPv6 header (traffic class {@code tc}) with {@code next} header, then {@code payload}. */
  public static byte[] ipv6(int tc, int next, String src, String dst, byte[] payload) {
    byte[] p = new byte[40 + payload.length];
    p[0] = (byte) (0x60 | (tc >> 4));
    p[1] = (byte) ((tc & 0xF) << 4);
    p[4] = (byte) (payload.length >> 8);
    p[5] = (byte) payload.length;
    p[6] = (byte) next;
    p[7] = 64;
    System.arraycopy(ip6(src), 0, p, 8, 16);
    System.arraycopy(ip6(dst), 0, p, 24, 16);
    System.arraycopy(payload, 0, p, 40, payload.length);
    return p;
  }

  /** An 8-byte hop-by-hop options header announcing {@code next}, followed by {@code payload}. */
  public static byte[] hopByHop(int next, byte[] payload) {
    byte[] p = new byte[8 + payload.length];
    p[0] = (byte) next;
    p[1] = 0; // (0 + 1) * 8 bytes
    p[2] = 1; // PadN
    p[3] = 4;
    System.arraycopy(payload, 0, p, 8, payload.length);
    return p;
  }

  public static byte[] tcp(int srcPort, int dstPort, int flags) {
    byte[] t = new byte[20];
    t[0] = (byte) (srcPort >> 8);
    t[1] = (byte) srcPort;
    t[2] = (byte) (dstPort >> 8);
    t[3] = (byte) dstPort;
    t[12] = (byte) (0x50 | ((flags >> 8) & 0x0F));
    t[13] = (byte) flags;
    return t;
  }

  public static byte[] udp(int srcPort, int dstPort, int payloadLength) {
    byte[] u = new byte[8 + payloadLength];
    u[0] = (byte) (srcPort >> 8);
    u[1] = (byte) srcPort;
    u[2] = (byte) (dstPort >> 8);
    u[3] = (byte) dstPort;
    u[4] = (byte) (u.length >> 8);
    u[5] = (byte) u.length;
    return u;
  }

  public static byte[] icmp(int type, int code) {
    return new byte[] {(byte) type, (byte) code, 0, 0, 0, 1, 0, 1};
  }

  /** ARP for Ethernet/IPv4: op 1 request, 2 reply. */
  public static byte[] arp(int op, byte[] senderMac, String senderIp, String targetIp) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    o.writeBytes(new byte[] {0, 1, 8, 0, 6, 4, 0, (byte) op});
    o.writeBytes(senderMac);
    o.writeBytes(ip4(senderIp));
    o.writeBytes(new byte[6]);
    o.writeBytes(ip4(targetIp));
    return o.toByteArray();
  }
}
