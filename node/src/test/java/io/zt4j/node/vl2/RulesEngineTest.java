package io.zt4j.node.vl2;

import static io.zt4j.node.vl2.RulesEngine.Result.ACCEPT;
import static io.zt4j.node.vl2.RulesEngine.Result.DROP;
import static io.zt4j.node.vl2.RulesEngine.Result.NO_MATCH;
import static io.zt4j.node.vl2.RulesEngine.Result.REDIRECT;
import static io.zt4j.node.vl2.RulesEngine.Result.SUPER_ACCEPT;
import static io.zt4j.node.vl2.TestFrames.arp;
import static io.zt4j.node.vl2.TestFrames.hopByHop;
import static io.zt4j.node.vl2.TestFrames.icmp;
import static io.zt4j.node.vl2.TestFrames.ip4;
import static io.zt4j.node.vl2.TestFrames.ip6;
import static io.zt4j.node.vl2.TestFrames.ipv4;
import static io.zt4j.node.vl2.TestFrames.ipv6;
import static io.zt4j.node.vl2.TestFrames.tcp;
import static io.zt4j.node.vl2.TestFrames.udp;
import static org.assertj.core.api.Assertions.assertThat;

import io.zt4j.node.vl2.RulesEngine.Evaluation;
import io.zt4j.node.vl2.RulesEngine.Frame;
import io.zt4j.node.vl2.RulesEngine.Result;
import io.zt4j.node.wire.InetAddress;
import io.zt4j.node.wire.MAC;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** One test per rule type of ZeroTier's rules engine, plus the NOT/OR/AND logic. */
class RulesEngineTest {
  static final long NWID = 0x8056c2e21c000001L;
  static final long SELF = 0x1111111111L;
  static final long PEER = 0x2222222222L;
  static final long THIRD = 0x3333333333L;
  static final MAC SELF_MAC = MAC.fromAddress(SELF, NWID);
  static final MAC PEER_MAC = MAC.fromAddress(PEER, NWID);
  static final int IPV4 = 0x0800;
  static final int IPV6 = 0x86dd;
  static final int ARP = 0x0806;

  final RulesEngine engine = new RulesEngine(SELF, new SplittableRandom(7));
  NetworkConfig config = NetworkConfig.builder().networkId(NWID).issuedTo(SELF).timestamp(1000).build();
  FakeRemote remote = new FakeRemote();

  /** A remote member's credentials without signatures. */
  static final class FakeRemote implements RulesEngine.RemoteCredentials {
    final Map<Long, Long> tags = new HashMap<>();
    final List<byte[]> ips = new ArrayList<>();
    final List<MAC> macs = new ArrayList<>();

    @Override
    public Tag tag(NetworkConfig c, long id) {
      Long v = tags.get(id);
      return v == null ? null : Tag.of(NWID, c.timestamp(), PEER, id, v);
    }

    @Override
    public boolean ownsIp(NetworkConfig c, byte[] ip) {
      return ips.stream().anyMatch(i -> Arrays.equals(i, ip));
    }

    @Override
    public boolean ownsMac(NetworkConfig c, MAC mac) {
      return macs.contains(mac);
    }
  }

  static Frame out(int etherType, byte[] data) {
    return new Frame(false, SELF, PEER, SELF_MAC, PEER_MAC, etherType, 0, data, 0, data.length);
  }

  static Frame in(int etherType, byte[] data) {
    return new Frame(true, PEER, SELF, PEER_MAC, SELF_MAC, etherType, 0, data, 0, data.length);
  }

  Evaluation eval(Frame f, Rule... rules) {
    return engine.evaluate(config, remote, f, List.of(rules));
  }

  Result result(Frame f, Rule... rules) {
    return eval(f, rules).result();
  }

  /** match, DROP, ACCEPT: DROP when {@code match} holds (unless a DROP is to be skipped). */
  Result dropIf(Frame f, Rule match) {
    return result(f, match, drop(), accept());
  }

  /** ACCEPT when {@code match} holds, else DROP: match, ACCEPT, DROP. */
  Result only(Frame f, Rule match) {
    return result(f, match, accept(), drop());
  }

  static Rule accept() {
    return Rule.action(RuleType.ACTION_ACCEPT);
  }

  static Rule drop() {
    return Rule.action(RuleType.ACTION_DROP);
  }

  static final byte[] TCP_SYN = ipv4(0, 6, "10.0.0.1", "10.0.0.2", tcp(40000, 80, 0x002));
  static final byte[] UDP_53 = ipv4(0, 17, "10.0.0.1", "10.0.0.2", udp(5353, 53, 10));

  // ---------------------------------------------------------------------------------------------
  // Actions

  @Test
  void acceptDropAndEmpty() {
    assertThat(result(out(IPV4, TCP_SYN), accept())).isEqualTo(ACCEPT);
    assertThat(result(out(IPV4, TCP_SYN), drop())).isEqualTo(DROP);
    assertThat(result(out(IPV4, TCP_SYN))).isEqualTo(NO_MATCH);
    assertThat(result(out(IPV4, TCP_SYN), Rule.scalar(RuleType.MATCH_ETHERTYPE, false, false, ARP), accept()))
        .isEqualTo(NO_MATCH);
  }

  @Test
  void teeCopiesAndGoesOn() {
    Evaluation e = eval(out(IPV4, TCP_SYN), Rule.forward(RuleType.ACTION_TEE, false, false, THIRD, 0, 16), accept());
    assertThat(e.result()).isEqualTo(ACCEPT);
    assertThat(e.teeTo()).isEqualTo(THIRD);
    assertThat(e.teeLength()).isEqualTo(16);
    assertThat(e.teeWatch()).isFalse();
    assertThat(e.destination()).isEqualTo(PEER);
    Evaluation all = eval(out(IPV4, TCP_SYN), Rule.forward(RuleType.ACTION_TEE, false, false, THIRD, 0, 0), drop());
    assertThat(all.result()).isEqualTo(DROP);
    assertThat(all.teeLength()).as("length 0 = whole frame").isEqualTo(TCP_SYN.length);
    assertThat(eval(out(IPV4, TCP_SYN), Rule.forward(RuleType.ACTION_TEE, false, false, SELF, 0, 0), accept()).teeTo())
        .as("TEE to the source is a no-op").isZero();
    assertThat(result(in(IPV4, TCP_SYN), Rule.forward(RuleType.ACTION_TEE, false, false, SELF, 0, 0), drop()))
        .as("inbound TEE to us super-accepts").isEqualTo(SUPER_ACCEPT);
  }

  @Test
  void watchIsATeeThatAsksForAcknowledgement() {
    Evaluation e = eval(out(IPV4, TCP_SYN), Rule.forward(RuleType.ACTION_WATCH, false, false, THIRD, 0, 1000), accept());
    assertThat(e.teeTo()).isEqualTo(THIRD);
    assertThat(e.teeWatch()).isTrue();
    assertThat(e.teeLength()).isEqualTo(TCP_SYN.length);
  }

  @Test
  void redirectChangesTheDestination() {
    Evaluation e = eval(out(IPV4, TCP_SYN), Rule.forward(RuleType.ACTION_REDIRECT, false, false, THIRD, 0, 0), drop());
    assertThat(e.result()).isEqualTo(REDIRECT);
    assertThat(e.destination()).isEqualTo(THIRD);
    assertThat(result(out(IPV4, TCP_SYN), Rule.forward(RuleType.ACTION_REDIRECT, false, false, PEER, 0, 0), drop()))
        .as("redirect to the destination itself is a no-op").isEqualTo(DROP);
    // A non-matching REDIRECT that names us makes a later inbound ACCEPT a super-accept.
    assertThat(result(in(IPV4, TCP_SYN), Rule.scalar(RuleType.MATCH_ETHERTYPE, false, false, ARP),
        Rule.forward(RuleType.ACTION_REDIRECT, false, false, SELF, 0, 0), accept())).isEqualTo(SUPER_ACCEPT);
    assertThat(result(out(IPV4, TCP_SYN), Rule.scalar(RuleType.MATCH_ETHERTYPE, false, false, ARP),
        Rule.forward(RuleType.ACTION_REDIRECT, false, false, SELF, 0, 0), accept())).isEqualTo(ACCEPT);
  }

  @Test
  void breakStopsWithoutADecision() {
    assertThat(result(out(IPV4, TCP_SYN), Rule.action(RuleType.ACTION_BREAK), accept())).isEqualTo(NO_MATCH);
    assertThat(result(out(IPV4, TCP_SYN), Rule.scalar(RuleType.MATCH_ETHERTYPE, false, false, ARP),
        Rule.action(RuleType.ACTION_BREAK), accept())).isEqualTo(ACCEPT);
  }

  @Test
  void priorityAccepts() {
    assertThat(result(out(IPV4, TCP_SYN), Rule.action(RuleType.ACTION_PRIORITY), drop())).isEqualTo(ACCEPT);
  }

  @Test
  void unknownActionsAreNoOps() {
    assertThat(result(out(IPV4, TCP_SYN), Rule.of(7, new byte[0]), Rule.of(15, new byte[3]), drop())).isEqualTo(DROP);
  }

  // ---------------------------------------------------------------------------------------------
  // Matches

  @Test
  void zeroTierSourceAndDestination() {
    assertThat(only(out(IPV4, TCP_SYN), Rule.ztAddress(RuleType.MATCH_SOURCE_ZEROTIER_ADDRESS, false, false, SELF)))
        .isEqualTo(ACCEPT);
    assertThat(only(in(IPV4, TCP_SYN), Rule.ztAddress(RuleType.MATCH_SOURCE_ZEROTIER_ADDRESS, false, false, SELF)))
        .isEqualTo(DROP);
    assertThat(only(out(IPV4, TCP_SYN), Rule.ztAddress(RuleType.MATCH_DEST_ZEROTIER_ADDRESS, false, false, PEER)))
        .isEqualTo(ACCEPT);
    assertThat(only(out(IPV4, TCP_SYN), Rule.ztAddress(RuleType.MATCH_DEST_ZEROTIER_ADDRESS, true, false, PEER)))
        .isEqualTo(DROP);
  }

  @Test
  void vlanIdPcpDei() {
    byte[] d = TCP_SYN;
    Frame vlan5 = new Frame(false, SELF, PEER, SELF_MAC, PEER_MAC, IPV4, 5, d, 0, d.length);
    assertThat(only(vlan5, Rule.scalar(RuleType.MATCH_VLAN_ID, false, false, 5))).isEqualTo(ACCEPT);
    assertThat(only(out(IPV4, d), Rule.scalar(RuleType.MATCH_VLAN_ID, false, false, 5))).isEqualTo(DROP);
    // PCP and DEI are not read from frames by ZeroTier 1.14: a rule for value 0 matches, others do not.
    assertThat(only(out(IPV4, d), Rule.scalar(RuleType.MATCH_VLAN_PCP, false, false, 0))).isEqualTo(ACCEPT);
    assertThat(only(out(IPV4, d), Rule.scalar(RuleType.MATCH_VLAN_PCP, false, false, 3))).isEqualTo(DROP);
    assertThat(only(out(IPV4, d), Rule.scalar(RuleType.MATCH_VLAN_DEI, false, false, 0))).isEqualTo(ACCEPT);
    assertThat(only(out(IPV4, d), Rule.scalar(RuleType.MATCH_VLAN_DEI, false, false, 1))).isEqualTo(DROP);
  }

  @Test
  void macSourceAndDestination() {
    assertThat(only(out(IPV4, TCP_SYN), Rule.mac(RuleType.MATCH_MAC_SOURCE, false, false, SELF_MAC.value())))
        .isEqualTo(ACCEPT);
    assertThat(only(out(IPV4, TCP_SYN), Rule.mac(RuleType.MATCH_MAC_SOURCE, false, false, PEER_MAC.value())))
        .isEqualTo(DROP);
    assertThat(only(out(IPV4, TCP_SYN), Rule.mac(RuleType.MATCH_MAC_DEST, false, false, PEER_MAC.value())))
        .isEqualTo(ACCEPT);
  }

  @Test
  void ipv4SourceAndDestinationPrefixes() {
    Frame f = out(IPV4, TCP_SYN); // 10.0.0.1 -> 10.0.0.2
    assertThat(only(f, Rule.ip(RuleType.MATCH_IPV4_SOURCE, false, false, ip4("10.0.0.1"), 32))).isEqualTo(ACCEPT);
    assertThat(only(f, Rule.ip(RuleType.MATCH_IPV4_SOURCE, false, false, ip4("10.0.0.2"), 32))).isEqualTo(DROP);
    assertThat(only(f, Rule.ip(RuleType.MATCH_IPV4_DEST, false, false, ip4("10.0.0.0"), 24))).isEqualTo(ACCEPT);
    assertThat(only(f, Rule.ip(RuleType.MATCH_IPV4_DEST, false, false, ip4("10.1.0.0"), 16))).isEqualTo(DROP);
    assertThat(only(f, Rule.ip(RuleType.MATCH_IPV4_DEST, false, false, ip4("192.168.0.0"), 0))).isEqualTo(ACCEPT);
    // Not IPv4: no match even when inverted.
    byte[] a = arp(1, SELF_MAC.bytes(), "10.0.0.1", "10.0.0.2");
    assertThat(only(out(ARP, a), Rule.ip(RuleType.MATCH_IPV4_SOURCE, true, false, ip4("10.9.9.9"), 32))).isEqualTo(DROP);
    assertThat(only(f, Rule.ip(RuleType.MATCH_IPV4_SOURCE, true, false, ip4("10.9.9.9"), 32))).isEqualTo(ACCEPT);
  }

  @Test
  void ipv6SourceAndDestinationPrefixes() {
    Frame f = out(IPV6, ipv6(0, 17, "fd00::1", "fd00:1::2", udp(1, 2, 0)));
    assertThat(only(f, Rule.ip(RuleType.MATCH_IPV6_SOURCE, false, false, ip6("fd00::1"), 128))).isEqualTo(ACCEPT);
    assertThat(only(f, Rule.ip(RuleType.MATCH_IPV6_SOURCE, false, false, ip6("fd00::"), 64))).isEqualTo(ACCEPT);
    assertThat(only(f, Rule.ip(RuleType.MATCH_IPV6_DEST, false, false, ip6("fd00::"), 64))).isEqualTo(DROP);
    assertThat(only(f, Rule.ip(RuleType.MATCH_IPV6_DEST, false, false, ip6("fd00:1::"), 32))).isEqualTo(ACCEPT);
    // ZeroTier compares the masked frame address with the rule address as written.
    assertThat(only(f, Rule.ip(RuleType.MATCH_IPV6_DEST, false, false, ip6("fd00:1::2"), 32))).isEqualTo(DROP);
    assertThat(only(out(IPV4, TCP_SYN), Rule.ip(RuleType.MATCH_IPV6_DEST, true, false, ip6("fd00::"), 8)))
        .isEqualTo(DROP);
  }

  @Test
  void ipTos() {
    Frame v4 = out(IPV4, ipv4(0xb8, 6, "10.0.0.1", "10.0.0.2", tcp(1, 2, 0x10))); // DSCP EF
    assertThat(only(v4, Rule.ipTos(false, false, 0xfc, 0xb8, 0xb8))).isEqualTo(ACCEPT);
    assertThat(only(v4, Rule.ipTos(false, false, 0xfc, 0x00, 0x10))).isEqualTo(DROP);
    Frame v6 = out(IPV6, ipv6(0x28, 17, "fd00::1", "fd00::2", udp(1, 2, 0)));
    assertThat(only(v6, Rule.ipTos(false, false, 0xff, 0x20, 0x30))).isEqualTo(ACCEPT);
    assertThat(only(v6, Rule.ipTos(false, false, 0xff, 0x30, 0x40))).isEqualTo(DROP);
  }

  @Test
  void ipProtocolIncludingIpv6ExtensionHeaders() {
    assertThat(only(out(IPV4, TCP_SYN), Rule.scalar(RuleType.MATCH_IP_PROTOCOL, false, false, 6))).isEqualTo(ACCEPT);
    assertThat(only(out(IPV4, UDP_53), Rule.scalar(RuleType.MATCH_IP_PROTOCOL, false, false, 6))).isEqualTo(DROP);
    Frame v6 = out(IPV6, ipv6(0, 0, "fd00::1", "fd00::2", hopByHop(17, udp(1, 2, 0))));
    assertThat(only(v6, Rule.scalar(RuleType.MATCH_IP_PROTOCOL, false, false, 17))).isEqualTo(ACCEPT);
    assertThat(only(v6, Rule.scalar(RuleType.MATCH_IP_PROTOCOL, false, false, 0))).isEqualTo(DROP);
  }

  @Test
  void etherType() {
    assertThat(only(out(IPV4, TCP_SYN), Rule.scalar(RuleType.MATCH_ETHERTYPE, false, false, IPV4))).isEqualTo(ACCEPT);
    assertThat(only(out(IPV4, TCP_SYN), Rule.scalar(RuleType.MATCH_ETHERTYPE, true, false, IPV4))).isEqualTo(DROP);
  }

  @Test
  void icmpTypeAndCode() {
    Frame echo = out(IPV4, ipv4(0, 1, "10.0.0.1", "10.0.0.2", icmp(8, 0)));
    assertThat(only(echo, Rule.icmp(false, false, 8, -1))).isEqualTo(ACCEPT);
    assertThat(only(echo, Rule.icmp(false, false, 8, 0))).isEqualTo(ACCEPT);
    assertThat(only(echo, Rule.icmp(false, false, 8, 1))).isEqualTo(DROP);
    assertThat(only(echo, Rule.icmp(false, false, 0, -1))).isEqualTo(DROP);
    assertThat(only(out(IPV4, TCP_SYN), Rule.icmp(true, false, 8, -1))).as("not ICMP: hard no").isEqualTo(DROP);
    Frame echo6 = out(IPV6, ipv6(0, 58, "fd00::1", "fd00::2", icmp(128, 0)));
    assertThat(only(echo6, Rule.icmp(false, false, 128, -1))).isEqualTo(ACCEPT);
    assertThat(only(echo6, Rule.icmp(false, false, 129, -1))).isEqualTo(DROP);
  }

  @Test
  void portRanges() {
    Frame f = out(IPV4, TCP_SYN); // 40000 -> 80
    assertThat(only(f, Rule.range(RuleType.MATCH_IP_DEST_PORT_RANGE, false, false, 80, 80))).isEqualTo(ACCEPT);
    assertThat(only(f, Rule.range(RuleType.MATCH_IP_DEST_PORT_RANGE, false, false, 81, 443))).isEqualTo(DROP);
    assertThat(only(f, Rule.range(RuleType.MATCH_IP_SOURCE_PORT_RANGE, false, false, 32768, 65535))).isEqualTo(ACCEPT);
    assertThat(only(out(IPV4, UDP_53), Rule.range(RuleType.MATCH_IP_DEST_PORT_RANGE, false, false, 53, 53)))
        .isEqualTo(ACCEPT);
    Frame v6 = out(IPV6, ipv6(0, 6, "fd00::1", "fd00::2", tcp(1234, 22, 0x02)));
    assertThat(only(v6, Rule.range(RuleType.MATCH_IP_DEST_PORT_RANGE, false, false, 22, 22))).isEqualTo(ACCEPT);
    assertThat(only(v6, Rule.range(RuleType.MATCH_IP_SOURCE_PORT_RANGE, false, false, 0, 1000))).isEqualTo(DROP);
    Frame port0 = out(IPV6, ipv6(0, 17, "fd00::1", "fd00::2", udp(0, 7, 0)));
    assertThat(only(port0, Rule.range(RuleType.MATCH_IP_SOURCE_PORT_RANGE, false, false, 0, 10)))
        .as("ZeroTier never matches port 0 over IPv6").isEqualTo(DROP);
    Frame icmpFrame = out(IPV4, ipv4(0, 1, "10.0.0.1", "10.0.0.2", icmp(8, 0)));
    assertThat(only(icmpFrame, Rule.range(RuleType.MATCH_IP_DEST_PORT_RANGE, true, false, 0, 65535)))
        .as("no ports: plain no-match, so NOT matches").isEqualTo(ACCEPT);
  }

  @Test
  void characteristicsTcpFlagsDirectionAndCastType() {
    Rule syn = Rule.scalar(RuleType.MATCH_CHARACTERISTICS, false, false, RulesEngine.CHARACTERISTICS_TCP_SYN);
    Rule ack = Rule.scalar(RuleType.MATCH_CHARACTERISTICS, false, false, RulesEngine.CHARACTERISTICS_TCP_ACK);
    assertThat(only(out(IPV4, TCP_SYN), syn)).isEqualTo(ACCEPT);
    assertThat(only(out(IPV4, TCP_SYN), ack)).isEqualTo(DROP);
    byte[] synAck6 = ipv6(0, 6, "fd00::1", "fd00::2", tcp(22, 1234, 0x012));
    assertThat(result(out(IPV6, synAck6), syn, ack, accept(), drop())).isEqualTo(ACCEPT);
    Rule ns = Rule.scalar(RuleType.MATCH_CHARACTERISTICS, false, false, RulesEngine.CHARACTERISTICS_TCP_NS);
    assertThat(only(out(IPV4, ipv4(0, 6, "10.0.0.1", "10.0.0.2", tcp(1, 2, 0x110))), ns)).isEqualTo(ACCEPT);
    Rule inbound = Rule.scalar(RuleType.MATCH_CHARACTERISTICS, false, false, RulesEngine.CHARACTERISTICS_INBOUND);
    assertThat(only(in(IPV4, UDP_53), inbound)).isEqualTo(ACCEPT);
    assertThat(only(out(IPV4, UDP_53), inbound)).isEqualTo(DROP);
    Rule bcast = Rule.scalar(RuleType.MATCH_CHARACTERISTICS, false, false, RulesEngine.CHARACTERISTICS_BROADCAST);
    Rule mcast = Rule.scalar(RuleType.MATCH_CHARACTERISTICS, false, false, RulesEngine.CHARACTERISTICS_MULTICAST);
    byte[] a = arp(1, SELF_MAC.bytes(), "10.0.0.1", "10.0.0.2");
    Frame bc = new Frame(false, SELF, 0, SELF_MAC, MAC.BROADCAST, ARP, 0, a, 0, a.length);
    assertThat(only(bc, bcast)).isEqualTo(ACCEPT);
    assertThat(only(bc, mcast)).isEqualTo(ACCEPT);
    assertThat(only(out(ARP, a), bcast)).isEqualTo(DROP);
  }

  @Test
  void characteristicsSenderAuthenticatedByCertificatesOfOwnership() {
    Rule ipAuth = Rule.scalar(RuleType.MATCH_CHARACTERISTICS, false, false,
        RulesEngine.CHARACTERISTICS_SENDER_IP_AUTHENTICATED);
    Rule macAuth = Rule.scalar(RuleType.MATCH_CHARACTERISTICS, false, false,
        RulesEngine.CHARACTERISTICS_SENDER_MAC_AUTHENTICATED);
    // Outbound: our own COOs.
    assertThat(only(out(IPV4, TCP_SYN), ipAuth)).isEqualTo(DROP);
    config = config.toBuilder().certificatesOfOwnership(List.of(CertificateOfOwnership.of(NWID, 1000, SELF, 1)
        .withThing(InetAddress.fromIpString("10.0.0.1").orElseThrow()).withThing(SELF_MAC))).build();
    assertThat(only(out(IPV4, TCP_SYN), ipAuth)).isEqualTo(ACCEPT);
    assertThat(only(out(IPV4, TCP_SYN), macAuth)).isEqualTo(ACCEPT);
    assertThat(only(out(ARP, arp(1, SELF_MAC.bytes(), "10.0.0.1", "10.0.0.9")), ipAuth)).as("ARP sender IP")
        .isEqualTo(ACCEPT);
    assertThat(only(out(ARP, arp(1, SELF_MAC.bytes(), "10.0.0.5", "10.0.0.9")), ipAuth)).isEqualTo(DROP);
    // Inbound: the sender's COOs.
    byte[] fromPeer = ipv4(0, 17, "10.0.0.2", "10.0.0.1", udp(1, 2, 0));
    assertThat(only(in(IPV4, fromPeer), ipAuth)).isEqualTo(DROP);
    remote.ips.add(ip4("10.0.0.2"));
    remote.macs.add(PEER_MAC);
    assertThat(only(in(IPV4, fromPeer), ipAuth)).isEqualTo(ACCEPT);
    assertThat(only(in(IPV4, fromPeer), macAuth)).isEqualTo(ACCEPT);
    // IPv6 neighbor solicitations count as authenticated.
    byte[] ns = ipv6(0, 58, "fe80::1", "ff02::1:ff00:2", new byte[32]);
    ns[40] = (byte) 0x87;
    assertThat(only(in(IPV6, ns), ipAuth)).isEqualTo(ACCEPT);
  }

  @Test
  void frameSizeRange() {
    assertThat(only(out(IPV4, TCP_SYN), Rule.range(RuleType.MATCH_FRAME_SIZE_RANGE, false, false, 40, 40)))
        .isEqualTo(ACCEPT);
    assertThat(only(out(IPV4, TCP_SYN), Rule.range(RuleType.MATCH_FRAME_SIZE_RANGE, false, false, 41, 1500)))
        .isEqualTo(DROP);
  }

  @Test
  void randomMatchesWithTheGivenProbability() {
    int hits = 0;
    for (int i = 0; i < 4000; i++) {
      if (only(out(IPV4, TCP_SYN), Rule.scalar(RuleType.MATCH_RANDOM, false, false, 0x7fffffffL)) == ACCEPT) {
        hits++;
      }
    }
    assertThat(hits).isBetween(1800, 2200);
    assertThat(only(out(IPV4, TCP_SYN), Rule.scalar(RuleType.MATCH_RANDOM, false, false, 0xffffffffL)))
        .isEqualTo(ACCEPT);
  }

  @Test
  void tagComparisons() {
    config = config.toBuilder().tags(List.of(Tag.of(NWID, 1000, SELF, 1, 0b1100), Tag.of(NWID, 1000, SELF, 2, 10)))
        .build();
    remote.tags.put(1L, (long) 0b1010);
    remote.tags.put(2L, 10L);
    Frame f = in(IPV4, UDP_53);
    assertThat(only(f, Rule.tag(RuleType.MATCH_TAGS_EQUAL, false, false, 2, 10))).isEqualTo(ACCEPT);
    assertThat(only(f, Rule.tag(RuleType.MATCH_TAGS_EQUAL, false, false, 2, 11))).isEqualTo(DROP);
    assertThat(only(f, Rule.tag(RuleType.MATCH_TAGS_BITWISE_AND, false, false, 1, 0b1000))).isEqualTo(ACCEPT);
    assertThat(only(f, Rule.tag(RuleType.MATCH_TAGS_BITWISE_OR, false, false, 1, 0b1110))).isEqualTo(ACCEPT);
    assertThat(only(f, Rule.tag(RuleType.MATCH_TAGS_BITWISE_XOR, false, false, 1, 0b0110))).isEqualTo(ACCEPT);
    assertThat(only(f, Rule.tag(RuleType.MATCH_TAGS_BITWISE_XOR, false, false, 1, 0b0111))).isEqualTo(DROP);
    assertThat(only(f, Rule.tag(RuleType.MATCH_TAGS_DIFFERENCE, false, false, 1, 2))).isEqualTo(ACCEPT); // |12-10|
    assertThat(only(f, Rule.tag(RuleType.MATCH_TAGS_DIFFERENCE, false, false, 1, 1))).isEqualTo(DROP);
    assertThat(only(f, Rule.tag(RuleType.MATCH_TAGS_EQUAL, false, false, 9, 0))).as("we lack tag 9").isEqualTo(DROP);
  }

  @Test
  void unknownRemoteTagIsStrictInboundAndLenientOutbound() {
    config = config.toBuilder().tags(List.of(Tag.of(NWID, 1000, SELF, 5, 1))).build();
    Rule eq = Rule.tag(RuleType.MATCH_TAGS_EQUAL, false, false, 5, 1);
    assertThat(only(in(IPV4, UDP_53), eq)).as("inbound: strict").isEqualTo(DROP);
    // Outbound the match holds and the following DROP is skipped once.
    assertThat(result(out(IPV4, UDP_53), eq, accept(), drop())).isEqualTo(ACCEPT);
    assertThat(result(out(IPV4, UDP_53), Rule.tag(RuleType.MATCH_TAGS_EQUAL, true, false, 5, 1), drop(), accept()))
        .as("skip-drop applies to the next DROP").isEqualTo(ACCEPT);
  }

  @Test
  void tagSenderAndReceiver() {
    config = config.toBuilder().tags(List.of(Tag.of(NWID, 1000, SELF, 3, 100))).build();
    remote.tags.put(3L, 200L);
    // Outbound: sender is us, receiver is the peer.
    assertThat(only(out(IPV4, UDP_53), Rule.tag(RuleType.MATCH_TAG_SENDER, false, false, 3, 100))).isEqualTo(ACCEPT);
    assertThat(only(out(IPV4, UDP_53), Rule.tag(RuleType.MATCH_TAG_RECEIVER, false, false, 3, 200))).isEqualTo(ACCEPT);
    assertThat(only(out(IPV4, UDP_53), Rule.tag(RuleType.MATCH_TAG_RECEIVER, false, false, 3, 100))).isEqualTo(DROP);
    // Inbound: sender is the peer, receiver is us.
    assertThat(only(in(IPV4, UDP_53), Rule.tag(RuleType.MATCH_TAG_SENDER, false, false, 3, 200))).isEqualTo(ACCEPT);
    assertThat(only(in(IPV4, UDP_53), Rule.tag(RuleType.MATCH_TAG_RECEIVER, false, false, 3, 100))).isEqualTo(ACCEPT);
    remote.tags.clear();
    assertThat(only(in(IPV4, UDP_53), Rule.tag(RuleType.MATCH_TAG_SENDER, false, false, 3, 200))).isEqualTo(DROP);
    assertThat(dropIf(out(IPV4, UDP_53), Rule.tag(RuleType.MATCH_TAG_RECEIVER, false, false, 3, 200)))
        .as("unknown receiver tag outbound: lenient").isEqualTo(ACCEPT);
  }

  @Test
  void integerRangeBigAndLittleEndian() {
    byte[] d = new byte[32];
    d[10] = 0x12;
    d[11] = 0x34;
    // Big-endian 16-bit integer: ZeroTier starts reading at index + 8 - bytes.
    Rule be = Rule.integerRange(false, false, 0x1200, 0x1300, 10 - 6, 15);
    assertThat(only(out(0x88b5, d), be)).isEqualTo(ACCEPT);
    assertThat(only(out(0x88b5, d), Rule.integerRange(false, false, 0x1235, 0x1300, 4, 15))).isEqualTo(DROP);
    // Little-endian 16-bit at index 10: 0x3412.
    assertThat(only(out(0x88b5, d), Rule.integerRange(false, false, 0x3412, 0x3412, 10, 0x80 | 15))).isEqualTo(ACCEPT);
    assertThat(only(out(0x88b5, d), Rule.integerRange(false, false, 0x1234, 0x1234, 10, 0x80 | 15))).isEqualTo(DROP);
    // Beyond the frame the integer reads as 0.
    assertThat(only(out(0x88b5, d), Rule.integerRange(false, false, 0, 0, 40, 0x80 | 7))).isEqualTo(ACCEPT);
  }

  @Test
  void unsupportedMatchFollowsTheNetworkFlag() {
    Rule unknown = Rule.of(60, new byte[] {1, 2});
    assertThat(only(out(IPV4, TCP_SYN), unknown)).isEqualTo(DROP);
    config = config.toBuilder().flags(NetworkConfig.FLAG_RULES_RESULT_OF_UNSUPPORTED_MATCH).build();
    assertThat(only(out(IPV4, TCP_SYN), unknown)).isEqualTo(ACCEPT);
  }

  @Test
  void notOrAndLogic() {
    Rule isArp = Rule.scalar(RuleType.MATCH_ETHERTYPE, false, false, ARP);
    Rule orIpv4 = Rule.scalar(RuleType.MATCH_ETHERTYPE, false, true, IPV4);
    Rule andUdp = Rule.scalar(RuleType.MATCH_IP_PROTOCOL, false, false, 17);
    assertThat(only(out(IPV4, TCP_SYN), isArp)).isEqualTo(DROP);
    assertThat(result(out(IPV4, TCP_SYN), isArp, orIpv4, accept(), drop())).isEqualTo(ACCEPT);
    assertThat(result(out(IPV4, TCP_SYN), isArp, orIpv4, andUdp, accept(), drop())).isEqualTo(DROP);
    assertThat(result(out(IPV4, UDP_53), isArp, orIpv4, andUdp, accept(), drop())).isEqualTo(ACCEPT);
    // The lab network's rules: drop anything but IPv4, ARP and IPv6.
    List<Rule> lab = List.of(Rule.scalar(RuleType.MATCH_ETHERTYPE, true, false, IPV4),
        Rule.scalar(RuleType.MATCH_ETHERTYPE, true, false, ARP), Rule.scalar(RuleType.MATCH_ETHERTYPE, true, false, IPV6),
        drop(), accept());
    assertThat(engine.evaluate(config, remote, out(IPV4, TCP_SYN), lab).result()).isEqualTo(ACCEPT);
    assertThat(engine.evaluate(config, remote, out(0x88cc, new byte[20]), lab).result()).isEqualTo(DROP);
  }

  @Test
  void adHocNetworkRulesAllowOnlyIpv6ToThePortRange() {
    List<Rule> adhoc = AdHocNetwork.rules(5000, 5010);
    Rule[] r = adhoc.toArray(new Rule[0]);
    assertThat(result(out(IPV4, TCP_SYN), r)).isEqualTo(DROP);
    assertThat(result(out(IPV6, ipv6(0, 58, "fd00::1", "fd00::2", icmp(128, 0))), r)).isEqualTo(ACCEPT);
    assertThat(result(out(IPV6, ipv6(0, 17, "fd00::1", "fd00::2", udp(9, 5005, 0))), r)).isEqualTo(ACCEPT);
    assertThat(result(out(IPV6, ipv6(0, 6, "fd00::1", "fd00::2", tcp(9, 80, 0x02))), r)).as("SYN outside the range")
        .isEqualTo(DROP);
    assertThat(result(out(IPV6, ipv6(0, 6, "fd00::1", "fd00::2", tcp(80, 9, 0x12))), r)).as("SYN+ACK reply")
        .isEqualTo(ACCEPT);
    assertThat(result(out(IPV6, ipv6(0, 6, "fd00::1", "fd00::2", tcp(80, 9, 0x10))), r)).as("established")
        .isEqualTo(ACCEPT);
  }
}
