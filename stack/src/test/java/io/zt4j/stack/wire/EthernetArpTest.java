package io.zt4j.stack.wire;

import static io.zt4j.stack.wire.Frames.hex;
import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class EthernetArpTest {
  @Test
  void decodesArpRequestFromTheKernel() {
    byte[] f = hex(Frames.ARP_REQUEST);
    EthernetFrame eth = new EthernetFrame();
    assertThat(eth.wrap(f, 0, f.length)).isTrue();
    assertThat(eth.dst()).isEqualTo(MacAddress.BROADCAST);
    assertThat(eth.src()).isEqualTo(0x020000000001L);
    assertThat(eth.etherType()).isEqualTo(EtherType.ARP);
    assertThat(eth.vlanId()).isEqualTo(-1);
    ArpPacket arp = new ArpPacket();
    assertThat(arp.wrap(f, eth.payloadOffset(), eth.payloadLength())).isTrue();
    assertThat(ArpRepr.parse(arp)).isEqualTo(
        new ArpRepr(ArpPacket.OP_REQUEST, 0x020000000001L, 0x0A090001, 0, 0x0A090002));
  }

  @Test
  void encodesTheSameBytes() {
    byte[] out = new byte[42];
    int n = new EthernetRepr(MacAddress.BROADCAST, 0x020000000001L, EtherType.ARP).emit(out, 0);
    n += new ArpRepr(ArpPacket.OP_REQUEST, 0x020000000001L, 0x0A090001, 0, 0x0A090002).emit(out, n);
    assertThat(n).isEqualTo(42);
    assertThat(out).isEqualTo(hex(Frames.ARP_REQUEST));
  }

  @Test
  void skipsVlanTags() {
    byte[] f = hex("020000000002 020000000001 8100 2064 88a8 0005 0800 45");
    EthernetFrame eth = new EthernetFrame();
    assertThat(eth.wrap(f, 0, f.length)).isTrue();
    assertThat(eth.etherType()).isEqualTo(EtherType.IPV4);
    assertThat(eth.vlanId()).isEqualTo(5);
    assertThat(eth.payloadOffset()).isEqualTo(22);
    assertThat(eth.payloadLength()).isEqualTo(1);
    // three tags are refused, and a tag cut short is truncated
    byte[] three = hex("020000000002 020000000001 8100 0001 8100 0002 8100 0003 0800");
    assertThat(eth.wrap(three, 0, three.length)).isFalse();
    assertThat(eth.error()).isEqualTo(WireError.UNSUPPORTED);
    assertThat(eth.wrap(f, 0, 16)).isFalse();
    assertThat(eth.error()).isEqualTo(WireError.TRUNCATED);
  }

  @Test
  void rejectsShortOrForeignArp() {
    byte[] f = hex(Frames.ARP_REQUEST);
    ArpPacket arp = new ArpPacket();
    assertThat(arp.wrap(f, 14, 27)).isFalse();
    assertThat(arp.error()).isEqualTo(WireError.TRUNCATED);
    f[14 + 1] = 2; // hardware type 0x0002
    assertThat(arp.wrap(f, 14, 28)).isFalse();
    assertThat(arp.error()).isEqualTo(WireError.UNSUPPORTED);
    EthernetFrame eth = new EthernetFrame();
    assertThat(eth.wrap(f, 0, 13)).isFalse();
  }

  @Property
  void arpRoundTrips(@ForAll int op, @ForAll long smac, @ForAll int sip, @ForAll long tmac, @ForAll int tip) {
    ArpRepr r = new ArpRepr(op & 0xFFFF, smac & MacAddress.MASK, sip, tmac & MacAddress.MASK, tip);
    byte[] b = new byte[ArpPacket.LENGTH];
    r.emit(b, 0);
    ArpPacket p = new ArpPacket();
    assertThat(p.wrap(b, 0, b.length)).isTrue();
    assertThat(ArpRepr.parse(p)).isEqualTo(r);
  }

  @Property
  void ethernetRoundTrips(@ForAll long dst, @ForAll long src, @ForAll int type) {
    int t = type & 0xFFFF;
    if (t == EtherType.VLAN || t == EtherType.QINQ) {
      return;
    }
    EthernetRepr r = new EthernetRepr(dst & MacAddress.MASK, src & MacAddress.MASK, t);
    byte[] b = new byte[14];
    r.emit(b, 0);
    EthernetFrame f = new EthernetFrame();
    assertThat(f.wrap(b, 0, 14)).isTrue();
    assertThat(EthernetRepr.parse(f)).isEqualTo(r);
    assertThat(f.payloadLength()).isZero();
  }
}
