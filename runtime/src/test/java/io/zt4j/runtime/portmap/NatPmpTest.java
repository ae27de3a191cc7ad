package io.zt4j.runtime.portmap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class NatPmpTest {
  static byte[] hex(String s) {
    return HexFormat.of().parseHex(s.replace(" ", ""));
  }

  @Test
  void encodesRequestsAsRfc6886Lays() {
    assertThat(NatPmp.externalAddressRequest()).isEqualTo(hex("0000"));
    // version 0, op 1 (UDP), reserved, internal 9993 (0x2709), suggested 9994, lifetime 600 s
    assertThat(NatPmp.mapUdpRequest(9993, 9994, 600)).isEqualTo(hex("00 01 0000 2709 270a 00000258"));
    // deletion: external port 0, lifetime 0
    assertThat(NatPmp.mapUdpRequest(9993, 0, 0)).isEqualTo(hex("00 01 0000 2709 0000 00000000"));
  }

  @Test
  void decodesTheExternalAddressReply() {
    NatPmp.Decoded d = NatPmp.parse(hex("00 80 0000 0000012c cb007107"), 12, NatPmp.OP_EXTERNAL_ADDRESS);
    assertThat(d.dropReason()).isNull();
    assertThat(d.reply().success()).isTrue();
    assertThat(d.reply().epochSeconds()).isEqualTo(300);
    assertThat(d.reply().externalAddress().getHostAddress()).isEqualTo("203.0.113.7");
  }

  @Test
  void decodesTheMappingReplyAndErrors() {
    NatPmp.Reply r = NatPmp.parse(hex("00 81 0000 00000001 2709 c350 00000258"), 16, NatPmp.OP_MAP_UDP).reply();
    assertThat(r.internalPort()).isEqualTo(9993);
    assertThat(r.externalPort()).isEqualTo(50000);
    assertThat(r.lifetimeSeconds()).isEqualTo(600);
    NatPmp.Reply refused = NatPmp.parse(hex("00 81 0002 00000001"), 8, NatPmp.OP_MAP_UDP).reply();
    assertThat(refused.success()).isFalse();
    assertThat(NatPmp.resultName(refused.resultCode())).isEqualTo("not authorized/refused");
  }

  @Test
  void dropsWhatIsNotAReplyToTheRequest() {
    assertThat(NatPmp.parse(hex("00 80 0000"), 3, 0).dropReason()).isEqualTo("truncated");
    assertThat(NatPmp.parse(hex("00 80 0000 00000001"), 8, 0).dropReason()).isEqualTo("truncated");
    assertThat(NatPmp.parse(hex("00 81 0000 00000001 2709 c350"), 12, 1).dropReason()).isEqualTo("truncated");
    assertThat(NatPmp.parse(new byte[1101], 1101, 0).dropReason()).isEqualTo("oversized");
    assertThat(NatPmp.parse(hex("02 81 0000 00000001 2709 c350 00000258"), 16, 1).dropReason()).isEqualTo("version 2");
    assertThat(NatPmp.parse(hex("00 80 0000 00000001 cb007107"), 12, 1).dropReason()).isEqualTo("opcode 128");
    assertThat(NatPmp.parse(hex("00 01 0000 2709 270a 00000258"), 12, 1).dropReason()).isEqualTo("opcode 1");
  }

  @Property(tries = 2000)
  void anyDatagramParsesOrIsDroppedWithAReason(@ForAll @Size(max = 1200) byte[] b, @ForAll @IntRange(max = 1) int op) {
    NatPmp.Decoded d = NatPmp.parse(b, b.length, op);
    assertThat(d.reply() == null).isEqualTo(d.dropReason() != null);
  }

  @Test
  void findsTheDefaultGatewayInProcNetRoute() {
    String table = """
        Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT
        eth0\t0002A8C0\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0
        eth0\t00000000\t0102A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0
        """;
    assertThat(DefaultGateway.parse(table)).hasValueSatisfying(a -> assertThat(a.getHostAddress()).isEqualTo("192.168.2.1"));
    assertThat(DefaultGateway.parse("Iface\tDestination\n")).isEmpty();
    assertThat(DefaultGateway.parse("h\neth0 00000000 0102A8C0 0001 0 0 0 00000000\n")).as("not RTF_GATEWAY").isEmpty();
    assertThat(DefaultGateway.parse("h\neth0 00000000 zz 0003 0 0 0 00000000\n")).isEmpty();
  }
}
