package io.zt4j.node.vl2;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class RulesTest {
  private static final HexFormat HEX = HexFormat.of();

  /** The lab network's rules as ZeroTier One's controller sent them (README of the vectors). */
  @Test
  void encodesTheLabRulesAsZeroTierDoes() {
    List<Rule> rules = List.of(
        Rule.scalar(RuleType.MATCH_ETHERTYPE, true, false, 0x0800),
        Rule.scalar(RuleType.MATCH_ETHERTYPE, true, false, 0x0806),
        Rule.scalar(RuleType.MATCH_ETHERTYPE, true, false, 0x86dd),
        Rule.action(RuleType.ACTION_DROP),
        Rule.action(RuleType.ACTION_ACCEPT));
    byte[] wire = Rules.encode(rules);
    assertThat(HEX.formatHex(wire)).isEqualTo("a5020800a5020806a50286dd00000100");
    assertThat(Rules.decode(wire, 0, wire.length, 1024)).isEqualTo(rules);
  }

  @Test
  void valueLayouts() {
    assertThat(HEX.formatHex(Rules.encode(List.of(Rule.forward(RuleType.ACTION_TEE, false, false, 0xd5f97e2e50L, 7, 64)))))
        .isEqualTo("020e000000d5f97e2e50000000070040");
    assertThat(HEX.formatHex(Rules.encode(List.of(Rule.ip(RuleType.MATCH_IPV4_DEST, false, true,
        new byte[] {10, (byte) 147, 17, 0}, 24))))).isEqualTo("60050a93110018");
    assertThat(HEX.formatHex(Rules.encode(List.of(Rule.icmp(false, false, 8, -1))))).isEqualTo("2603080000");
    assertThat(HEX.formatHex(Rules.encode(List.of(Rule.range(RuleType.MATCH_IP_DEST_PORT_RANGE, false, false, 80, 443)))))
        .isEqualTo("2804005001bb");
    Rule ir = Rule.integerRange(false, false, 5, 10, 3, 0x87);
    assertThat(ir.uint(8, 8)).isEqualTo(10);
    assertThat(Rule.tag(RuleType.MATCH_TAGS_EQUAL, true, false, 1, 2).uint(4, 4)).isEqualTo(2);
  }

  @Test
  void malformedListsAreRefusedNotThrown() {
    assertThat(Rules.decode(HEX.parseHex("a502"), 0, 2, 10)).as("value missing").isNull();
    assertThat(Rules.decode(HEX.parseHex("a50108"), 0, 3, 10)).as("known type, short value").isNull();
    assertThat(Rules.decode(HEX.parseHex("a5"), 0, 1, 10)).as("no length").isNull();
    assertThat(Rules.decode(HEX.parseHex("00000100"), 0, 4, 1)).as("over the limit").isNull();
    assertThat(Rules.decode(HEX.parseHex("00"), 0, 5, 1)).as("range outside buffer").isNull();
    List<Rule> unknown = Rules.decode(HEX.parseHex("3f03aabbcc"), 0, 5, 1);
    assertThat(unknown).hasSize(1);
    assertThat(unknown.get(0).type()).isNull();
    assertThat(unknown.get(0).valueLength()).isEqualTo(3);
  }

  @Property
  void decodeNeverThrowsAndReencodesWhatItAccepts(@ForAll @Size(max = 64) byte[] bytes) {
    List<Rule> r = Rules.decode(bytes, 0, bytes.length, 1024);
    if (r != null) {
      assertThat(Rules.encode(r)).isEqualTo(bytes);
    }
  }
}
