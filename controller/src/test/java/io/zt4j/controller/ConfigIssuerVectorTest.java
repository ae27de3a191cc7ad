package io.zt4j.controller;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.zt4j.controller.ConfigIssuer.ConfigMessage;
import io.zt4j.controller.ConfigIssuer.ErrorCode;
import io.zt4j.controller.ConfigIssuer.ErrorMessage;
import io.zt4j.controller.ConfigIssuer.Outbound;
import io.zt4j.controller.model.RecordJson;
import io.zt4j.controller.store.MemoryStore;
import io.zt4j.node.identity.Identity;
import io.zt4j.node.vl2.NetworkConfig;
import io.zt4j.node.wire.Dictionary;
import io.zt4j.testkit.Environment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Replays the lab's controller session (network created over the API, members a and b ask,
 * are denied, get authorized, ask again) with ZeroTier One's controller identity and clock
 * readings: the configs come out byte for byte as ZeroTier One's controller sent them
 * (Ed25519 signatures are deterministic), and the member records as it stored them.
 */
class ConfigIssuerVectorTest {
  private static final long NWID = 0x2b53dd2a51a1b2c3L;

  static Path lab(String run) {
    return Environment.vectors().resolve("lab").resolve(run);
  }

  static Identity id(String node, String kind) throws IOException {
    return Identity.fromString(Files.readString(
        Environment.vectors().resolve("lab/ids/" + node + ".identity." + kind)).strip()).orElseThrow();
  }

  static Dictionary metadata() {
    return Dictionary.builder(Dictionary.METADATA_CAPACITY)
        .addHex("v", 7).addHex("vend", 1).addHex("pv", 12).addHex("majv", 1).addHex("minv", 14)
        .addHex("revv", 1).addHex("mr", 1024).addHex("mc", 128).addHex("mcr", 64).addHex("mt", 128)
        .addHex("f", 0).addHex("revr", 1).add("o", "linux/x86_64").build();
  }

  static JsonNode json(Path p) throws IOException {
    return RecordJson.MAPPER.readTree(p.toFile());
  }

  static long ts(Path dict) throws IOException {
    return NetworkConfig.parse(Files.readAllBytes(dict)).value().timestamp();
  }

  static Path dictFor(String run, long member) throws IOException {
    try (var s = Files.list(lab(run).resolve("decoded"))) {
      return s.filter(p -> p.getFileName().toString().endsWith(".dict")).sorted().filter(p -> {
        try {
          return NetworkConfig.parse(Files.readAllBytes(p)).value().issuedTo() == member;
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }).findFirst().orElseThrow();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"dualstack", "ipv4only"})
  void reproducesZeroTierOnesConfigsByteForByte(String run) throws Exception {
    Path results = lab(run).resolve("results");
    JsonNode createdNet = json(results.resolve("network-create-response.json"));
    JsonNode finalA = json(results.resolve("controller-member-d5f97e2e50.json"));
    JsonNode finalB = json(results.resolve("controller-member-fb8e8ac629.json"));

    AtomicLong clock = new AtomicLong(createdNet.get("creationTime").asLong());
    NetworkController records = new NetworkController(0x2b53dd2a51L, new MemoryStore(), clock::get, new Random(1));
    ConfigIssuer issuer = new ConfigIssuer(records, id("ctl", "secret"));
    records.updateNetwork(NWID, RecordJson.MAPPER.readTree(results.resolve("network-create-request.json").toFile()));

    Identity a = id("a", "public");
    Identity b = id("b", "public");
    // First requests: not yet authorized.
    clock.set(finalA.get("creationTime").asLong());
    assertThat(issuer.request(NWID, a, metadata(), 11)).contains(new ErrorMessage(a.address().toLong(), NWID, 11, ErrorCode.ACCESS_DENIED));
    clock.set(finalB.get("creationTime").asLong());
    assertThat(issuer.request(NWID, b, metadata(), 12)).contains(new ErrorMessage(b.address().toLong(), NWID, 12, ErrorCode.ACCESS_DENIED));
    // Authorized over the API.
    clock.set(finalA.get("lastAuthorizedTime").asLong());
    records.updateMember(NWID, a.address().toLong(), RecordJson.MAPPER.readTree("{\"authorized\":true}"));
    clock.set(finalB.get("lastAuthorizedTime").asLong());
    records.updateMember(NWID, b.address().toLong(), RecordJson.MAPPER.readTree("{\"authorized\":true}"));
    // Unlike ZeroTier One (which waits for the member to ask again), the members that asked
    // recently get their config pushed at once.
    assertThat(issuer.drainOutbound()).hasSize(2).allSatisfy(o -> {
      assertThat(o).isInstanceOf(ConfigMessage.class);
      assertThat(((ConfigMessage) o).inRePacketId()).isZero();
    });

    for (Identity m : new Identity[] {a, b}) {
      Path dict = dictFor(run, m.address().toLong());
      clock.set(ts(dict));
      Optional<Outbound> out = issuer.request(NWID, m, metadata(), 77);
      assertThat(out).containsInstanceOf(ConfigMessage.class);
      ConfigMessage cm = (ConfigMessage) out.get();
      assertThat(cm.inRePacketId()).isEqualTo(77);
      assertThat(cm.destination()).isEqualTo(m.address().toLong());
      assertThat(cm.config().toDictionary().serialize()).as(dict.toString()).isEqualTo(Files.readAllBytes(dict));
    }
    // The stored members are ZeroTier's but for the revision, counted once more for the push.
    for (JsonNode expected : new JsonNode[] {finalA, finalB}) {
      var got = RecordJson.render(records.member(NWID, Long.parseLong(expected.get("id").asText(), 16)).orElseThrow());
      assertThat(got.get("revision").asLong()).isEqualTo(expected.get("revision").asLong() + 1);
      got.remove("revision");
      var want = expected.deepCopy();
      ((com.fasterxml.jackson.databind.node.ObjectNode) want).remove("revision");
      assertThat(RecordJson.text(got)).isEqualTo(RecordJson.text(want));
    }
  }
}
