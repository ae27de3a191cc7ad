package io.zt4j.node.vl2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zt4j.node.identity.Identity;
import io.zt4j.node.vl2.NetworkConfig.Dns;
import io.zt4j.node.vl2.NetworkConfig.Route;
import io.zt4j.node.wire.CertificateOfMembership;
import io.zt4j.node.wire.Dictionary;
import io.zt4j.node.wire.DropReason;
import io.zt4j.node.wire.InetAddress;
import io.zt4j.node.wire.Parsed;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class NetworkConfigTest {
  private static final long NWID = 0x8056c2e21c000001L;
  private static final Identity CTL = TestIdentities.withAddress(0x8056c2e21cL, 1);
  private static final long MEMBER = 0x1122334455L;
  private static final byte[] FULL_WIRE = full().serialize();

  private static InetAddress ip(String s) {
    return InetAddress.fromString(s).orElseThrow();
  }

  static NetworkConfig full() {
    Identity member = TestIdentities.withAddress(MEMBER, 9);
    return NetworkConfig.builder()
        .networkId(NWID).timestamp(1_795_672_394_128L).revision(42).issuedTo(MEMBER)
        .credentialTimeMaxDelta(NetworkConfig.DEFAULT_CREDENTIAL_TIME_MAX_DELTA)
        .flags(NetworkConfig.FLAG_ENABLE_BROADCAST | NetworkConfig.FLAG_ENABLE_IPV6_NDP_EMULATION)
        .multicastLimit(32).type(NetworkConfig.TYPE_PUBLIC).name("net \u00e9t\u00e9").mtu(2800)
        .com(CertificateOfMembership.create(1_795_672_394_128L, 1_800_000, NWID, member).sign(CTL))
        .capabilities(List.of(
            Capability.of(20, NWID, 5, 1, List.of(Rule.action(RuleType.ACTION_ACCEPT))).sign(CTL, MEMBER),
            Capability.of(10, NWID, 5, 1, List.of(Rule.action(RuleType.ACTION_DROP))).sign(CTL, MEMBER)))
        .tags(List.of(Tag.of(NWID, 5, MEMBER, 2, 7).sign(CTL), Tag.of(NWID, 5, MEMBER, 1, 9).sign(CTL)))
        .certificatesOfOwnership(List.of(CertificateOfOwnership.of(NWID, 5, MEMBER, 1)
            .withThing(ip("10.0.0.7/0")).sign(CTL)))
        .addSpecialist(0x0102030405L, NetworkConfig.SPECIALIST_ACTIVE_BRIDGE)
        .addSpecialist(0x0102030405L, NetworkConfig.SPECIALIST_ANCHOR)
        .addSpecialist(0x0a0b0c0d0eL, NetworkConfig.SPECIALIST_MULTICAST_REPLICATOR)
        .routes(List.of(new Route(ip("10.0.0.0/8"), InetAddress.NIL, 0, 0),
            new Route(ip("0.0.0.0/0"), ip("10.0.0.1/0"), 0, 5)))
        .staticIps(List.of(ip("10.0.0.7/8"), ip("fd00::7/88")))
        .rules(List.of(Rule.scalar(RuleType.MATCH_ETHERTYPE, true, false, 0x0800), Rule.action(RuleType.ACTION_DROP),
            Rule.action(RuleType.ACTION_ACCEPT)))
        .dns(new Dns("zt.example", List.of(ip("10.0.0.1/53"))))
        .build();
  }

  @Test
  void fullConfigRoundTrips() {
    NetworkConfig c = full();
    byte[] wire = c.serialize();
    NetworkConfig back = NetworkConfig.parse(wire).value();
    assertThat(back).isEqualTo(c);
    assertThat(back.serialize()).isEqualTo(wire);
    assertThat(back.name()).isEqualTo("net \u00e9t\u00e9");
    assertThat(back.capabilities()).extracting(Capability::id).containsExactly(10L, 20L);
    assertThat(back.tags()).extracting(Tag::id).containsExactly(1L, 2L);
    assertThat(back.tag(2).orElseThrow().value()).isEqualTo(7);
    assertThat(back.capability(20).orElseThrow().rules()).containsExactly(Rule.action(RuleType.ACTION_ACCEPT));
    assertThat(back.activeBridges()).containsExactly(0x0102030405L);
    assertThat(back.anchors()).containsExactly(0x0102030405L);
    assertThat(back.multicastReplicators()).containsExactly(0x0a0b0c0d0eL);
    assertThat(back.alwaysContactAddresses()).containsExactly(0x0102030405L, 0x0a0b0c0d0eL);
    assertThat(back.permitsBridging(0x0102030405L)).isTrue();
    assertThat(back.permitsBridging(0x0a0b0c0d0eL)).isFalse();
    assertThat(back.isPublic()).isTrue();
    assertThat(back.dns().domain()).isEqualTo("zt.example");
    assertThat(back.dns().addresses()).containsExactly(ip("10.0.0.1/53"));
    assertThat(back.routes().get(1).via()).isEqualTo(ip("10.0.0.1/0"));
  }

  @Test
  void keysAreWrittenInZeroTiersOrder() {
    Dictionary d = full().toDictionary();
    assertThat(d.entries()).extracting(Dictionary.Entry::key).containsExactly("v", "nwid", "ts", "ctmd", "r", "id",
        "tt", "tl", "f", "ml", "t", "n", "mtu", "C", "CAP", "TAG", "COO", "S", "RT", "I", "R", "DNS", "ssov", "ssoe");
    NetworkConfig minimal = NetworkConfig.builder().networkId(NWID).issuedTo(MEMBER).build();
    assertThat(new String(minimal.serialize(), StandardCharsets.ISO_8859_1)).startsWith(
        "v=0000000000000007\nnwid=8056c2e21c000001\nts=0000000000000000\nctmd=00000000001b7740\n"
            + "r=0000000000000000\nid=1122334455\ntt=0000000000\ntl=0000000000000000\nf=0000000000000000\n"
            + "ml=0000000000000000\nt=0000000000000000\nn=\nmtu=0000000000000af0\nDNS=")
        .endsWith("\nssov=0000000000000000\nssoe=0");
  }

  @Test
  void ssoVersionsAreWrittenAndReadAsZeroTierDoes() {
    NetworkConfig.Sso v0 = new NetworkConfig.Sso(0, true, "https://sso.example/a", 1234, "", "", "", "", "", "default");
    NetworkConfig c0 = NetworkConfig.builder().networkId(NWID).issuedTo(MEMBER).sso(v0).build();
    Dictionary d0 = c0.toDictionary();
    assertThat(d0.getString("aurl")).contains("https://sso.example/a");
    assertThat(d0.getHex("aexpt", -1)).isEqualTo(1234);
    assertThat(NetworkConfig.parse(c0.serialize()).value().sso()).isEqualTo(v0);

    NetworkConfig.Sso v1 = new NetworkConfig.Sso(1, true, "", 0, "https://issuer", "https://central", "n0nce",
        "st8", "client", "keycloak");
    NetworkConfig c1 = NetworkConfig.builder().networkId(NWID).issuedTo(MEMBER).sso(v1).build();
    assertThat(c1.toDictionary().entries()).extracting(Dictionary.Entry::key).endsWith("ssov", "ssoe", "iurl", "ssoce",
        "sson", "ssos", "ssocid", "ssop");
    assertThat(NetworkConfig.parse(c1.serialize()).value().sso()).isEqualTo(v1);
    // Version 1 but disabled: everything cleared, provider included.
    NetworkConfig.Sso off = new NetworkConfig.Sso(1, false, "", 0, "", "", "", "", "", "");
    assertThat(NetworkConfig.parse(NetworkConfig.builder().networkId(NWID).issuedTo(MEMBER).sso(v1).build()
        .toDictionary().serialize()).value().sso()).isEqualTo(v1);
    assertThat(NetworkConfig.parse(replace(c1.serialize(), "ssoe=1", "ssoe=0")).value().sso()).isEqualTo(off);
  }

  @Test
  void negativeTimestampIsWrittenWithASign() {
    NetworkConfig c = NetworkConfig.builder().networkId(NWID).issuedTo(MEMBER).timestamp(-2).build();
    assertThat(c.toDictionary().getString("ts")).contains("-0000000000000002");
    assertThat(NetworkConfig.parse(c.serialize()).value().timestamp()).isEqualTo(-2);
  }

  @Test
  void refusesWhatZeroTierRefuses() {
    byte[] ok = full().serialize();
    assertThat(NetworkConfig.parse(replace(ok, "nwid=8056c2e21c000001", "nwid=0")).reason())
        .isEqualTo(DropReason.MALFORMED);
    assertThat(NetworkConfig.parse(replace(ok, "id=1122334455", "id=0000000000")).reason())
        .isEqualTo(DropReason.MALFORMED);
    assertThat(NetworkConfig.parse(replace(ok, "v=0000000000000007", "v=0000000000000005")).reason())
        .as("legacy config version").isEqualTo(DropReason.UNKNOWN_TYPE);
    byte[] legacy = "nwid=8056c2e21c000001\nid=1122334455\neb=1\np=0\nv4s=10.0.0.1/8".getBytes(StandardCharsets.US_ASCII);
    assertThat(NetworkConfig.parse(legacy).reason()).isEqualTo(DropReason.UNKNOWN_TYPE);
    assertThat(NetworkConfig.parse(new byte[Dictionary.NETWORK_CONFIG_CAPACITY]).isOk()).isFalse();
  }

  @Test
  void mtuIsClampedAndDefaulted() {
    byte[] ok = full().serialize();
    assertThat(NetworkConfig.parse(replace(ok, "mtu=0000000000000af0", "mtu=10")).value().mtu()).isEqualTo(1280);
    assertThat(NetworkConfig.parse(replace(ok, "mtu=0000000000000af0", "mtu=ffffff")).value().mtu()).isEqualTo(10000);
    assertThat(NetworkConfig.parse(replace(ok, "mtu=0000000000000af0", "xmtu=1")).value().mtu()).isEqualTo(2800);
  }

  @Test
  void malformedBinaryValuesRefuseTheConfigButBadCapabilitiesOnlyEndTheirList() {
    NetworkConfig c = full();
    for (String key : List.of("C", "COO", "RT", "I", "R", "DNS")) {
      Dictionary d = withValue(c.toDictionary(), key, truncated(c.toDictionary(), key));
      Parsed<NetworkConfig> p = NetworkConfig.fromDictionary(d);
      assertThat(p.isOk()).as("truncated " + key).isFalse();
    }
    Dictionary d = withValue(c.toDictionary(), "CAP", truncated(c.toDictionary(), "CAP"));
    NetworkConfig p = NetworkConfig.fromDictionary(d).value();
    assertThat(p.capabilities()).extracting(Capability::id).containsExactly(10L);
    d = withValue(c.toDictionary(), "TAG", truncated(c.toDictionary(), "TAG"));
    assertThat(NetworkConfig.fromDictionary(d).value().tags()).extracting(Tag::id).containsExactly(1L);
  }

  @Test
  void surplusEntriesAreIgnoredAtZeroTiersLimits() {
    List<InetAddress> ips = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      ips.add(ip("10.0.1." + i + "/24"));
    }
    byte[] blob = new byte[0];
    for (InetAddress a : ips) {
      blob = concat(blob, a.serialize());
    }
    Dictionary d = withValue(NetworkConfig.builder().networkId(NWID).issuedTo(MEMBER).build().toDictionary(), "I", blob);
    assertThat(NetworkConfig.fromDictionary(d).value().staticIps()).hasSize(NetworkConfig.MAX_STATIC_IPS);
    assertThatThrownBy(() -> NetworkConfig.builder().staticIps(ips)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void builderChecks() {
    assertThatThrownBy(() -> NetworkConfig.builder().issuedTo(MEMBER).build()).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> NetworkConfig.builder().networkId(NWID).build()).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> NetworkConfig.builder().issuedTo(1L << 40)).isInstanceOf(IllegalArgumentException.class);
    assertThat(NetworkConfig.builder().networkId(NWID).issuedTo(MEMBER).name("x".repeat(200)).build().name())
        .hasSize(127);
    assertThat(NetworkConfig.builder().networkId(NWID).issuedTo(MEMBER).mtu(100).build().mtu()).isEqualTo(1280);
    assertThat(full().toBuilder().build()).isEqualTo(full());
  }

  @Provide
  Arbitrary<NetworkConfig> configs() {
    Arbitrary<InetAddress> v4 = Arbitraries.bytes().array(byte[].class).ofSize(4)
        .flatMap(b -> Arbitraries.integers().between(0, 32).map(bits -> InetAddress.of(b, bits)));
    Arbitrary<InetAddress> v6 = Arbitraries.bytes().array(byte[].class).ofSize(16)
        .flatMap(b -> Arbitraries.integers().between(0, 128).map(bits -> InetAddress.of(b, bits)));
    Arbitrary<List<InetAddress>> ips = Arbitraries.oneOf(v4, v6).list().ofMaxSize(32);
    Arbitrary<List<Route>> routes = Combinators.combine(Arbitraries.oneOf(v4, v6),
        Arbitraries.oneOf(v4, Arbitraries.just(InetAddress.NIL)), Arbitraries.integers().between(0, 65535))
        .as((t, v, m) -> new Route(t, v, 0, m)).list().ofMaxSize(8);
    Arbitrary<String> names = Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(127);
    return Combinators.combine(Arbitraries.longs().filter(l -> l != 0), Arbitraries.longs(),
        Arbitraries.longs().between(1, 0xFF_FFFF_FFFFL), names, ips, routes, Arbitraries.longs(),
        Arbitraries.integers().between(1280, 10000))
        .as((nwid, ts, to, name, i, r, flags, mtu) -> NetworkConfig.builder().networkId(nwid).timestamp(ts)
            .issuedTo(to).name(name).staticIps(i).routes(r).flags(flags).mtu(mtu).build());
  }

  @Property(tries = 100, edgeCases = net.jqwik.api.EdgeCasesMode.NONE)
  void arbitraryConfigsRoundTrip(@ForAll("configs") NetworkConfig c) {
    byte[] w = c.serialize();
    NetworkConfig back = NetworkConfig.parse(w).value();
    assertThat(back).isEqualTo(c);
    assertThat(back.serialize()).isEqualTo(w);
  }

  @Property(tries = 300, edgeCases = net.jqwik.api.EdgeCasesMode.NONE)
  void damagedConfigsNeverThrow(@ForAll @IntRange(min = 0, max = 5000) int position, @ForAll byte value,
      @ForAll @Size(max = 40) byte[] junk) {
    byte[] w = FULL_WIRE.clone();
    int p = position % w.length;
    w[p] = value;
    Parsed<NetworkConfig> r = NetworkConfig.parse(w);
    assertThat(r.isOk() || r.reason() != null).isTrue();
    byte[] cut = java.util.Arrays.copyOf(w, p);
    NetworkConfig.parse(concat(cut, junk));
  }

  // ---------------------------------------------------------------------------------------------

  private static byte[] truncated(Dictionary d, String key) {
    byte[] v = d.get(key).orElseThrow();
    return java.util.Arrays.copyOf(v, v.length - 3);
  }

  private static Dictionary withValue(Dictionary d, String key, byte[] value) {
    Dictionary.Builder b = Dictionary.builder(Dictionary.NETWORK_CONFIG_CAPACITY);
    boolean done = false;
    for (Dictionary.Entry e : d.entries()) {
      if (e.key().equals(key)) {
        b.add(key, value);
        done = true;
      } else {
        b.add(e.key(), e.value());
      }
    }
    if (!done) {
      b.add(key, value);
    }
    return b.build();
  }

  private static byte[] replace(byte[] b, String from, String to) {
    String s = new String(b, StandardCharsets.ISO_8859_1);
    if (!s.contains(from)) {
      throw new IllegalArgumentException("no " + from);
    }
    return s.replace(from, to).getBytes(StandardCharsets.ISO_8859_1);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] c = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }
}
