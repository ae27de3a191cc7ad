package io.zt4j.controller;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.zt4j.controller.ConfigIssuer.ConfigMessage;
import io.zt4j.controller.ConfigIssuer.ErrorCode;
import io.zt4j.controller.ConfigIssuer.ErrorMessage;
import io.zt4j.controller.ConfigIssuer.Outbound;
import io.zt4j.controller.ConfigIssuer.RevocationMessage;
import io.zt4j.controller.model.RecordJson;
import io.zt4j.controller.net.IpAddress;
import io.zt4j.controller.store.MemoryStore;
import io.zt4j.node.identity.Identity;
import io.zt4j.node.vl2.NetworkConfig;
import io.zt4j.node.vl2.Revocation;
import io.zt4j.node.wire.Dictionary;
import io.zt4j.node.wire.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ConfigIssuerTest {
  private static Identity controllerId;
  private static final List<Identity> NODES = new ArrayList<>();

  private final AtomicLong clock = new AtomicLong(1_800_000_000_000L);
  private NetworkController records;
  private ConfigIssuer issuer;
  private long nwid;

  @BeforeAll
  static void identities() {
    Random r = new Random(42);
    controllerId = Identity.generate(r);
    for (int i = 0; i < 3; i++) {
      NODES.add(node(r));
    }
  }

  /** A member identity; the controller never needs more than its address and public key. */
  static Identity node(Random r) {
    byte[] key = new byte[64];
    r.nextBytes(key);
    return Identity.of(io.zt4j.node.identity.Address.of(r.nextLong() & 0x00ffffffffffL | 0x0100000000L), key, null);
  }

  @BeforeEach
  void setUp() throws Exception {
    records = new NetworkController(controllerId.address().toLong(), new MemoryStore(), clock::get, new Random(3));
    issuer = new ConfigIssuer(records, controllerId);
    nwid = records.createNetwork(json("{\"name\":\"t\",\"v4AssignMode\":{\"zt\":true},"
        + "\"ipAssignmentPools\":[{\"ipRangeStart\":\"10.0.0.1\",\"ipRangeEnd\":\"10.0.0.254\"}],"
        + "\"routes\":[{\"target\":\"10.0.0.0/24\"}],\"authTokens\":{\"secret\":0}}")).id();
  }

  static JsonNode json(String s) throws Exception {
    return RecordJson.MAPPER.readTree(s);
  }

  static Dictionary meta(String... kv) {
    Dictionary.Builder b = Dictionary.builder(Dictionary.METADATA_CAPACITY).addHex("v", 7).addHex("revr", 1);
    for (int i = 0; i < kv.length; i += 2) {
      b.add(kv[i], kv[i + 1]);
    }
    return b.build();
  }

  private Optional<Outbound> ask(Identity who, long packetId) {
    clock.addAndGet(5000);
    return issuer.request(nwid, who, meta(), packetId);
  }

  private static NetworkConfig config(Optional<Outbound> o) {
    assertThat(o).containsInstanceOf(ConfigMessage.class);
    return ((ConfigMessage) o.get()).config();
  }

  @Test
  void unknownNetworkIsNotFoundAndForeignNetworksAreIgnored() {
    Identity n = NODES.get(0);
    long missing = (controllerId.address().toLong() << 24) | 0xabcdef;
    assertThat(issuer.request(missing, n, meta(), 5)).contains(
        new ErrorMessage(n.address().toLong(), missing, 5, ErrorCode.OBJECT_NOT_FOUND));
    assertThat(issuer.request(0x1111111111000001L, n, meta(), 6)).isEmpty();
  }

  @Test
  void privateNetworkDeniesUntilAuthorizedThenIssuesVerifiableCredentials() throws Exception {
    Identity n = NODES.get(0);
    assertThat(ask(n, 1)).containsInstanceOf(ErrorMessage.class);
    assertThat(records.member(nwid, n.address().toLong()).orElseThrow().identity()).isEqualTo(n.toString(false));
    records.updateMember(nwid, n.address().toLong(), json("{\"authorized\":true}"));
    NetworkConfig c = config(ask(n, 2));
    assertThat(c.issuedTo()).isEqualTo(n.address().toLong());
    assertThat(c.com().orElseThrow().verify(controllerId.withoutPrivateKey())).isTrue();
    assertThat(c.com().orElseThrow().issuedTo()).isEqualTo(n.address().toLong());
    assertThat(c.certificatesOfOwnership().get(0).verify(controllerId.withoutPrivateKey())).isTrue();
    assertThat(c.staticIps()).hasSize(1);
    InetAddress ip = c.staticIps().get(0);
    assertThat(ip.port()).isEqualTo(24);
    assertThat(c.certificatesOfOwnership().get(0).owns(ip)).isTrue();
    // Decodable by a member exactly as sent.
    assertThat(NetworkConfig.parse(c.toDictionary().serialize()).value()).isEqualTo(c);
  }

  @Test
  void aSecondIdentityClaimingAKnownAddressIsDenied() throws Exception {
    Identity n = NODES.get(0);
    ask(n, 1);
    records.updateMember(nwid, n.address().toLong(), json("{\"authorized\":true}"));
    Identity impostor = Identity.of(n.address(), NODES.get(1).publicKey(), null);
    assertThat(ask(impostor, 2)).contains(new ErrorMessage(n.address().toLong(), nwid, 2, ErrorCode.ACCESS_DENIED));
  }

  @Test
  void publicNetworksAndJoinTokensAuthorizeAutomatically() throws Exception {
    Identity n = NODES.get(0);
    clock.addAndGet(5000);
    config(issuer.request(nwid, n, meta("a", "token:secret"), 1));
    assertThat(records.member(nwid, n.address().toLong()).orElseThrow().lastAuthorizedCredentialType()).isEqualTo("token");
    clock.addAndGet(5000);
    assertThat(issuer.request(nwid, NODES.get(1), meta("a", "token:wrong"), 2)).containsInstanceOf(ErrorMessage.class);

    records.updateNetwork(nwid, json("{\"private\":false}"));
    config(ask(NODES.get(2), 3));
    assertThat(records.member(nwid, NODES.get(2).address().toLong()).orElseThrow().lastAuthorizedCredentialType())
        .isEqualTo("public");
  }

  @Test
  void repeatsWithinASecondAreIgnored() throws Exception {
    records.updateNetwork(nwid, json("{\"private\":false}"));
    Identity n = NODES.get(0);
    assertThat(ask(n, 1)).isPresent();
    assertThat(issuer.request(nwid, n, meta(), 2)).isEmpty();
    clock.addAndGet(1001);
    assertThat(issuer.request(nwid, n, meta(), 3)).isPresent();
  }

  @Test
  void changesArePushedAndDeauthorizationIsRevokedAtOnce() throws Exception {
    Identity a = NODES.get(0);
    Identity b = NODES.get(1);
    records.updateMember(nwid, a.address().toLong(), json("{\"authorized\":true}"));
    records.updateMember(nwid, b.address().toLong(), json("{\"authorized\":true}"));
    config(ask(a, 1));
    config(ask(b, 2));
    assertThat(issuer.onlineMembers(nwid)).hasSize(2);
    records.updateNetwork(nwid, json("{\"name\":\"renamed\"}"));
    List<Outbound> pushed = issuer.drainOutbound();
    assertThat(pushed).hasSize(2).allSatisfy(o -> {
      assertThat(((ConfigMessage) o).config().name()).isEqualTo("renamed");
      assertThat(((ConfigMessage) o).inRePacketId()).isZero();
    });

    records.updateMember(nwid, a.address().toLong(), json("{\"authorized\":false}"));
    List<Outbound> out = issuer.drainOutbound();
    List<Revocation> revs = out.stream().filter(o -> o instanceof RevocationMessage)
        .map(o -> ((RevocationMessage) o).revocation()).toList();
    assertThat(out.stream().filter(o -> o instanceof RevocationMessage).map(Outbound::destination))
        .containsExactlyInAnyOrder(a.address().toLong(), b.address().toLong());
    assertThat(revs).allSatisfy(r -> {
      assertThat(r.target()).isEqualTo(a.address().toLong());
      assertThat(r.threshold()).isEqualTo(clock.get());
      assertThat(r.credentialType()).isEqualTo(io.zt4j.node.vl2.CredentialType.COM);
      assertThat(r.verify(controllerId.withoutPrivateKey())).isTrue();
      assertThat(Revocation.parse(r.serialize(), 0, Revocation.SERIALIZED_LENGTH).value().verify(controllerId)).isTrue();
    });
    assertThat(out).as("no config for the deauthorized member, and no unsolicited error")
        .noneMatch(o -> o.destination() == a.address().toLong() && !(o instanceof RevocationMessage));
    assertThat(ask(a, 9)).contains(new ErrorMessage(a.address().toLong(), nwid, 9, ErrorCode.ACCESS_DENIED));

    clock.addAndGet(ConfigIssuer.ONLINE_MS);
    records.updateNetwork(nwid, json("{\"name\":\"again\"}"));
    assertThat(issuer.drainOutbound()).as("nobody online any more").isEmpty();
  }

  @Test
  void noAutoAssignAndManualAddresses() throws Exception {
    records.updateNetwork(nwid, json("{\"private\":false,\"v6AssignMode\":{\"rfc4193\":true,\"6plane\":true}}"));
    Identity n = NODES.get(0);
    records.updateMember(nwid, n.address().toLong(), json("{\"noAutoAssignIps\":true,\"ipAssignments\":[\"10.0.0.77\",\"192.168.1.1\"]}"));
    NetworkConfig c = config(ask(n, 1));
    assertThat(c.staticIps()).extracting(InetAddress::toString).containsExactly("10.0.0.77/24");
    assertThat(c.ndpEmulation()).isFalse();
  }

  @Test
  void poolAddressesAreNeverHandedOutTwice() throws Exception {
    records.updateNetwork(nwid, json("{\"private\":false,\"ipAssignmentPools\":[{\"ipRangeStart\":\"10.0.0.1\",\"ipRangeEnd\":\"10.0.0.20\"}]}"));
    Random r = new Random(9);
    Set<String> seen = new HashSet<>();
    int assigned = 0;
    for (int i = 0; i < 25; i++) {
      Identity n = node(r);
      NetworkConfig c = config(ask(n, i + 1));
      for (InetAddress ip : c.staticIps()) {
        assertThat(seen.add(ip.toIpString())).as("duplicate " + ip).isTrue();
        assigned++;
      }
    }
    // .1 .. .19 are the candidates (ZeroTier never picks the end of a pool).
    assertThat(assigned).isEqualTo(19);
    assertThat(seen).allSatisfy(s -> assertThat(IpAddress.parseOrThrow(s).v4Value() & 0xff).isBetween(1L, 19L));
  }

  @Test
  void capabilitiesAndTagsAreIssuedSignedAsZeroTierIssuesThem() throws Exception {
    records.updateNetwork(nwid, json("""
        {"private": false,
         "capabilities": [
           {"id": 1, "default": true, "rules": [{"type": "MATCH_IP_PROTOCOL", "not": false, "or": false, "ipProtocol": 6},
                                               {"type": "ACTION_ACCEPT"}]},
           {"id": 7, "rules": [{"type": "ACTION_DROP"}]},
           {"id": 9, "rules": []}],
         "tags": [{"id": 100, "default": 5}, {"id": 200, "default": null}, {"id": 300, "default": 1}]}"""));
    Identity fresh = NODES.get(0);
    NetworkConfig c = config(ask(fresh, 1));
    // A member first seen in this request: the default capability, the tag defaults.
    assertThat(c.capabilities()).extracting(io.zt4j.node.vl2.Capability::id).containsExactly(1L);
    io.zt4j.node.vl2.Capability cap = c.capabilities().get(0);
    assertThat(cap.networkId()).isEqualTo(nwid);
    assertThat(cap.timestamp()).isEqualTo(clock.get());
    assertThat(cap.maxCustodyChainLength()).isEqualTo(1);
    assertThat(cap.issuedTo()).isEqualTo(fresh.address().toLong());
    assertThat(cap.rules()).hasSize(2);
    assertThat(cap.rules().get(0).type()).isEqualTo(io.zt4j.node.vl2.RuleType.MATCH_IP_PROTOCOL);
    assertThat(cap.verify(a -> a == controllerId.address().toLong() ? controllerId.withoutPrivateKey() : null).isOk()).isTrue();
    assertThat(c.tags()).extracting(io.zt4j.node.vl2.Tag::id).containsExactly(100L, 300L);
    assertThat(c.tags()).extracting(io.zt4j.node.vl2.Tag::value).containsExactly(5L, 1L);
    assertThat(c.tags()).allSatisfy(t -> {
      assertThat(t.issuedTo()).isEqualTo(fresh.address().toLong());
      assertThat(t.networkId()).isEqualTo(nwid);
      assertThat(t.verify(controllerId.withoutPrivateKey())).isTrue();
    });
    var stored = records.member(nwid, fresh.address().toLong()).orElseThrow();
    assertThat(stored.capabilities()).containsExactly(1L);
    assertThat(stored.tags()).containsExactly(new io.zt4j.controller.model.MemberTag(100, 5),
        new io.zt4j.controller.model.MemberTag(300, 1));
    // Decodable by a member exactly as sent, credentials included.
    assertThat(NetworkConfig.parse(c.toDictionary().serialize()).value()).isEqualTo(c);

    // A member that existed before its first config gets no default capability (as ZeroTier);
    // its own values win over tag defaults; undefined capability ids are skipped.
    Identity known = NODES.get(1);
    records.updateMember(nwid, known.address().toLong(), json("{\"capabilities\":[9,7,42],\"tags\":[[300,8]]}"));
    NetworkConfig k = config(ask(known, 2));
    assertThat(k.capabilities()).extracting(io.zt4j.node.vl2.Capability::id).containsExactly(7L, 9L);
    assertThat(k.capabilities()).allSatisfy(x -> assertThat(x.rules().size()).isLessThanOrEqualTo(1));
    assertThat(k.tags()).extracting(t -> t.id() + "=" + t.value()).containsExactly("100=5", "300=8");

    // A node without a rules engine gets a single ACCEPT and no capabilities or tags.
    clock.addAndGet(5000);
    NetworkConfig old = config(issuer.request(nwid, NODES.get(2),
        Dictionary.builder(Dictionary.METADATA_CAPACITY).addHex("v", 7).build(), 3));
    assertThat(old.rules()).hasSize(1);
    assertThat(old.capabilities()).isEmpty();
    assertThat(old.tags()).isEmpty();
  }

  @Test
  void theOwnerIsToldWhenAChangeQueuesMessagesSoNothingPolls() throws Exception {
    List<Integer> queuedWhenTold = new ArrayList<>();
    issuer.onOutbound(() -> queuedWhenTold.add(1));
    Identity a = NODES.get(0);
    Identity b = NODES.get(1);
    records.updateMember(nwid, a.address().toLong(), json("{\"authorized\":true}"));
    assertThat(queuedWhenTold).as("nobody online yet: nothing to push").isEmpty();
    config(ask(a, 1));
    assertThat(ask(b, 2)).as("b is known, not authorized").containsInstanceOf(ErrorMessage.class);
    records.updateNetwork(nwid, json("{\"name\":\"x\"}"));
    assertThat(queuedWhenTold).as("told once when the queue filled").hasSize(1);
    records.updateNetwork(nwid, json("{\"name\":\"y\"}"));
    assertThat(queuedWhenTold).as("not again while messages wait").hasSize(1);
    assertThat(issuer.drainOutbound()).as("a's two configs; nothing for the denied b")
        .hasSize(2).allSatisfy(o -> assertThat(o.destination()).isEqualTo(a.address().toLong()));
    records.updateMember(nwid, b.address().toLong(), json("{\"authorized\":true}"));
    assertThat(queuedWhenTold).as("told again after the queue was drained").hasSize(2);
    assertThat(issuer.drainOutbound()).singleElement().isInstanceOf(ConfigMessage.class)
        .satisfies(o -> assertThat(o.destination()).isEqualTo(b.address().toLong()));
  }

  @Test
  void everyNetworkFieldReachesTheConfig() throws Exception {
    records.updateNetwork(nwid, json("""
        {"private": false, "enableBroadcast": false, "multicastLimit": 7, "mtu": 1400,
         "v4AssignMode": {"zt": true}, "v6AssignMode": {"zt": true, "rfc4193": false, "6plane": true},
         "ipAssignmentPools": [{"ipRangeStart": "10.0.0.1", "ipRangeEnd": "10.0.0.254"},
                               {"ipRangeStart": "fd00:5::", "ipRangeEnd": "fd00:5::ffff:ffff:ffff:ffff"}],
         "routes": [{"target": "10.0.0.0/24", "via": null}, {"target": "192.168.9.0/24", "via": "10.0.0.1"},
                    {"target": "fd00:5::/64", "via": null}],
         "dns": {"domain": "t.lan", "servers": ["10.0.0.1", "fd00:5::1"]},
         "remoteTraceTarget": "abcdef0123", "remoteTraceLevel": 2,
         "certificateTimeoutWindowSize": 60000}"""));
    Identity n = NODES.get(0);
    NetworkConfig c = config(ask(n, 1));
    assertThat(c.isPublic()).isTrue();
    assertThat(c.enableBroadcast()).isFalse();
    assertThat(c.multicastLimit()).isEqualTo(7);
    assertThat(c.mtu()).isEqualTo(1400);
    assertThat(c.ndpEmulation()).as("6PLANE given").isTrue();
    assertThat(c.routes()).extracting(r -> r.target() + " via " + r.via())
        .containsExactly("10.0.0.0/24 via " + InetAddress.NIL, "192.168.9.0/24 via 10.0.0.1/0", "fd00:5::/64 via " + InetAddress.NIL);
    assertThat(c.dns().domain()).isEqualTo("t.lan");
    assertThat(c.dns().servers()).extracting(InetAddress::toIpString).contains("10.0.0.1", "fd00:5::1");
    assertThat(c.remoteTraceTarget()).isEqualTo(0xabcdef0123L);
    assertThat(c.remoteTraceLevel()).isEqualTo(2);
    assertThat(c.credentialTimeMaxDelta()).as("certificateTimeoutWindowSize is read from the file only; the API ignores it, as ZeroTier's")
        .isEqualTo(NetworkConfig.DEFAULT_CREDENTIAL_TIME_MAX_DELTA);
    // 6PLANE, an IPv6 from the pool (the member's address in the low bits), an IPv4 from the pool.
    assertThat(c.staticIps()).hasSize(3);
    assertThat(c.staticIps().get(0).toIpString()).startsWith("fc");
    assertThat(c.staticIps().get(0).port()).isEqualTo(40);
    assertThat(c.staticIps().get(1).toIpString()).startsWith("fd00:5:");
    assertThat(c.staticIps().get(1).port()).isEqualTo(64);
    assertThat(c.staticIps().get(2).toIpString()).startsWith("10.0.0.");
    assertThat(records.member(nwid, n.address().toLong()).orElseThrow().ipAssignments())
        .as("pool picks are stored, derived addresses are not").hasSize(2);

    // A member's own trace target wins over the network's.
    records.updateMember(nwid, n.address().toLong(), json("{\"remoteTraceTarget\":\"1122334455\",\"remoteTraceLevel\":1}"));
    issuer.drainOutbound();
    NetworkConfig again = config(ask(n, 2));
    assertThat(again.remoteTraceTarget()).isEqualTo(0x1122334455L);
    assertThat(again.remoteTraceLevel()).isEqualTo(1);
    assertThat(again.staticIps()).as("the same addresses on every config").isEqualTo(c.staticIps());
  }

  @Test
  void aLongNameIsCutToZeroTiersLimit() throws Exception {
    records.updateNetwork(nwid, json("{\"private\":false,\"name\":\"" + "n".repeat(300) + "\"}"));
    assertThat(config(ask(NODES.get(0), 1)).name()).hasSize(NetworkConfig.MAX_NAME_BYTES);
  }

  @Test
  void deletingAMemberOrTheNetworkRevokesAtOnce() throws Exception {
    Identity a = NODES.get(0);
    Identity b = NODES.get(1);
    records.updateMember(nwid, a.address().toLong(), json("{\"authorized\":true}"));
    records.updateMember(nwid, b.address().toLong(), json("{\"authorized\":true}"));
    config(ask(a, 1));
    config(ask(b, 2));
    issuer.drainOutbound();

    records.deleteMember(nwid, b.address().toLong());
    List<Outbound> out = issuer.drainOutbound();
    assertThat(out).allSatisfy(o -> assertThat(((RevocationMessage) o).revocation().target()).isEqualTo(b.address().toLong()));
    assertThat(out).extracting(Outbound::destination).containsExactlyInAnyOrder(a.address().toLong(), b.address().toLong());
    // b asking again is a new, unauthorized member.
    assertThat(ask(b, 3)).contains(new ErrorMessage(b.address().toLong(), nwid, 3, ErrorCode.ACCESS_DENIED));

    records.deleteNetwork(nwid);
    List<Outbound> gone = issuer.drainOutbound();
    assertThat(gone).as("a's membership revoked at everyone online").isNotEmpty()
        .allSatisfy(o -> assertThat(((RevocationMessage) o).revocation().target()).isEqualTo(a.address().toLong()));
    assertThat(gone).extracting(Outbound::destination).contains(a.address().toLong());
    assertThat(issuer.onlineMembers(nwid)).isEmpty();
    assertThat(ask(a, 4)).contains(new ErrorMessage(a.address().toLong(), nwid, 4, ErrorCode.OBJECT_NOT_FOUND));
  }

  @Test
  void aCertificateWindowSetInTheNetworkFileIsClampedAsZeroTierClampsIt() throws Exception {
    records.updateNetwork(nwid, json("{\"private\":false}"));
    for (long[] c : new long[][] {{60_000, ConfigIssuer.MIN_CREDENTIAL_WINDOW_MS}, {600_000, 600_000},
        {86_400_000, ConfigIssuer.MAX_CREDENTIAL_WINDOW_MS}}) {
      io.zt4j.controller.model.Network n = records.network(nwid).orElseThrow().copy();
      n.extras().put("certificateTimeoutWindowSize", RecordJson.MAPPER.getNodeFactory().numberNode(c[0]));
      records.store().putNetwork(n); // as if edited in controller.d by hand
      NetworkConfig cfg = config(ask(NODES.get(0), c[0]));
      assertThat(cfg.credentialTimeMaxDelta()).as("window " + c[0]).isEqualTo(c[1]);
      assertThat(cfg.com().orElseThrow().qualifiers().get(0).maxDelta()).as("the COM's timestamp window").isEqualTo(c[1]);
    }
  }
}
