package io.zt4j.stack.iface;

import static org.assertj.core.api.Assertions.assertThat;

import io.zt4j.stack.socket.udp.UdpSocket;
import io.zt4j.stack.wire.Bytes;
import io.zt4j.stack.wire.IpAddress;
import java.util.HexFormat;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Untrusted frames never escape as exceptions, whatever layer they reach: random bytes behind a
 * valid Ethernet header, and valid frames (kernel captures) with random corruption.
 */
class StackFuzzTest {
  static final List<String> SEEDS = List.of(
      "020000000002 020000000001 0800 4500 0024 079a 4000 4001 1f2b 0a090001 0a090002 0800 8593 316b 0001 4100000000000000",
      "020000000002 020000000001 86dd 6008 4949 0010 3a 40 fd090000000000000000000000000001"
          + " fd090000000000000000000000000002 8000 1230 316d 0001 4200000000000000",
      "020000000002 020000000001 0800 4500 001e 4bb7 4000 4011 db03 0a090001 0a090002 0fa0 1388 000a 6034 6869",
      "020000000002 020000000001 86dd 6002 5bd2 000a 11 40 fd090000000000000000000000000001"
          + " fd090000000000000000000000000002 0fa0 1388 000a 692c 796f",
      "ffffffffffff 020000000001 0806 0001 0800 06 04 0001 020000000001 0a090001 000000000000 0a090002",
      "3333ff000002 020000000001 86dd 6000 0000 0020 3a ff fd090000000000000000000000000001"
          + " ff0200000000000000000001ff000002 8700 0000 00000000 fd090000000000000000000000000002 0101 020000000001",
      "020000000002 020000000001 0800 45c0 003c 2b00 0000 4001 3aed 0a090001 0a090002 0303 112f 00000000"
          + " 4500 0020 1111 0000 4011 55a8 0a090002 0a090001 15b3 0009 000c f734 70696e67",
      "333300000016 020000000001 86dd 6000 0000 0024 00 01 00000000000000000000000000000000"
          + " ff020000000000000000000000000016 3a00 0502 0000 0100 8f00 6f89 0000 0001 04 00 0000"
          + " ff0200000000000000000001ff000001");

  static ScriptedHost host() {
    ScriptedHost h = new ScriptedHost(InterfaceConfig.of(0x020000000002L).withAddress("10.9.0.2/24")
        .withAddress("fd09::2/64").withMtu(1500));
    UdpSocket s = h.stack.udp().open();
    s.bind(null, 5000);
    s.joinGroup(IpAddress.parse("ff02::16"), 0);
    return h;
  }

  @Provide
  Arbitrary<Integer> etherTypes() {
    return Arbitraries.of(0x0800, 0x86DD, 0x0806, 0x8100, 0x1234);
  }

  @Property(tries = 1500)
  void randomPayloads(@ForAll @Size(max = 300) byte[] payload, @ForAll("etherTypes") int type,
      @ForAll boolean multicastDst) {
    ScriptedHost h = host();
    byte[] f = new byte[14 + payload.length];
    Bytes.put48(f, 0, multicastDst ? 0x3333ff000002L : 0x020000000002L);
    Bytes.put48(f, 6, 0x020000000001L);
    Bytes.put16(f, 12, type);
    System.arraycopy(payload, 0, f, 14, payload.length);
    if (payload.length > 0 && type == 0x0800) {
      f[14] = (byte) (0x40 | (f[14] & 0x0F)); // mostly reach the IPv4 checks
    } else if (payload.length > 0 && type == 0x86DD) {
      f[14] = (byte) (0x60 | (f[14] & 0x0F));
    }
    h.in(f);
    h.advance(60_000_000_000L); // and let every timer the input armed run
    assertThat(h.stack.stats().get(io.zt4j.stack.ip.StackStats.Counter.FRAMES_IN)).isEqualTo(1);
  }

  @Property(tries = 1500)
  void corruptedCaptures(@ForAll @IntRange(min = 0, max = 7) int which, @ForAll @Size(max = 6) List<@IntRange(max = 200) Integer> positions,
      @ForAll @Size(max = 6) List<Byte> values, @ForAll @IntRange(min = 0, max = 40) int cut) {
    byte[] f = HexFormat.of().parseHex(SEEDS.get(which).replaceAll("\\s", ""));
    for (int i = 0; i < Math.min(positions.size(), values.size()); i++) {
      int p = 6 + positions.get(i) % (f.length - 6); // keep the destination MAC
      f[p] = values.get(i);
    }
    int len = Math.max(0, f.length - cut);
    ScriptedHost h = host();
    h.ifc.receiveFrame(f, 0, len, h.now);
    h.advance(60_000_000_000L);
  }
}
