package io.zt4j.stack.wire;

import java.util.HexFormat;

/**
 * Literal frames captured from Linux 6.x on a TAP device (02:00:00:00:00:01, 10.9.0.1,
 * fd09::1) talking to a peer 02:00:00:00:00:02 / 10.9.0.2 / fd09::2. Used as decode and encode
 * vectors by the wire tests.
 */
final class Frames {
  private Frames() {}

  static byte[] hex(String s) {
    return HexFormat.of().parseHex(s.replaceAll("\\s", ""));
  }

  /** Who has 10.9.0.2? Tell 10.9.0.1. */
  static final String ARP_REQUEST =
      "ffffffffffff 020000000001 0806 0001 0800 06 04 0001 020000000001 0a090001 000000000000 0a090002";

  /** ping -s 8 -p 41 10.9.0.2: echo request id 0x316b seq 1. */
  static final String ICMP4_ECHO_REQUEST =
      "020000000002 020000000001 0800 4500 0024 079a 4000 4001 1f2b 0a090001 0a090002"
          + " 0800 8593 316b 0001 4100000000000000";

  /** Kernel's echo reply to our request id 0x1234 seq 7 "abcd" (DF clear, id 0x2aff). */
  static final String ICMP4_ECHO_REPLY =
      "020000000002 020000000001 0800 4500 0020 2aff 0000 4001 3bca 0a090001 0a090002"
          + " 0000 28fe 1234 0007 61626364";

  /** Kernel's port unreachable for UDP 10.9.0.2:5555 → 10.9.0.1:9 "ping", quoting the datagram. */
  static final String ICMP4_PORT_UNREACHABLE =
      "020000000002 020000000001 0800 45c0 003c 2b00 0000 4001 3aed 0a090001 0a090002"
          + " 0303 112f 00000000"
          + " 4500 0020 1111 0000 4011 55a8 0a090002 0a090001 15b3 0009 000c f734 70696e67";

  /** ping -6 -s 8 -p 42 fd09::2: echo request id 0x316d seq 1. */
  static final String ICMP6_ECHO_REQUEST =
      "020000000002 020000000001 86dd 6008 4949 0010 3a 40"
          + " fd090000000000000000000000000001 fd090000000000000000000000000002"
          + " 8000 1230 316d 0001 4200000000000000";

  /** UDP 10.9.0.1:4000 → 10.9.0.2:5000 "hi". */
  static final String UDP4 =
      "020000000002 020000000001 0800 4500 001e 4bb7 4000 4011 db03 0a090001 0a090002"
          + " 0fa0 1388 000a 6034 6869";

  /** UDP [fd09::1]:4000 → [fd09::2]:5000 "yo". */
  static final String UDP6 =
      "020000000002 020000000001 86dd 6002 5bd2 000a 11 40"
          + " fd090000000000000000000000000001 fd090000000000000000000000000002"
          + " 0fa0 1388 000a 692c 796f";

  /** MLDv2 report (with hop-by-hop Router Alert) joining ff02::1:ff00:1, from :: . */
  static final String MLD2_REPORT =
      "333300000016 020000000001 86dd 6000 0000 0024 00 01"
          + " 00000000000000000000000000000000 ff020000000000000000000000000016"
          + " 3a00 0502 0000 0100"
          + " 8f00 6f89 0000 0001 04 00 0000 ff0200000000000000000001ff000001";

  /** Duplicate address detection NS for fe80::ff:fe00:1 with a Nonce option (type 14). */
  static final String DAD_NS =
      "3333ff000001 020000000001 86dd 6000 0000 0020 3a ff"
          + " 00000000000000000000000000000000 ff0200000000000000000001ff000001"
          + " 8700 8c2a 00000000 fe80000000000000000000fffe000001 0e01 03cca37a3bab";

  /** Router solicitation with source link-layer address option. */
  static final String RS =
      "333300000002 020000000001 86dd 6000 0000 0010 3a ff"
          + " fe80000000000000000000fffe000001 ff020000000000000000000000000002"
          + " 8500 7b2c 00000000 0101 020000000001";

  /** Solicited NA for fd09::1 (S|O) with target link-layer address, answering fd09::2's NS. */
  static final String NA =
      "020000000002 020000000001 86dd 6000 0000 0020 3a ff"
          + " fd090000000000000000000000000001 fd090000000000000000000000000002"
          + " 8800 1c81 60000000 fd090000000000000000000000000001 0201 020000000001";
}
