package io.zt4j.controller.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.zt4j.testkit.Environment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The records ZeroTier One 1.14.1's controller wrote and answered read and render identically. */
class RecordJsonVectorTest {

  private static Path run(String run) {
    return Environment.vectors().resolve("lab").resolve(run);
  }

  private static String read(Path p) throws IOException {
    return Files.readString(p).strip();
  }

  @ParameterizedTest
  @ValueSource(strings = {"dualstack", "ipv4only"})
  void storedNetworkAndMembersRoundTripByteForByte(String r) throws IOException {
    Path nets = run(r).resolve("state/ctl/controller.d/network");
    List<Path> files;
    try (Stream<Path> s = Files.walk(nets)) {
      files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
    assertThat(files).hasSize(3);
    for (Path f : files) {
      String text = read(f);
      JsonNode j = RecordJson.MAPPER.readTree(text);
      ObjectNode rendered = "network".equals(j.get("objtype").asText())
          ? RecordJson.render(RecordJson.readNetwork(j).orElseThrow())
          : RecordJson.render(RecordJson.readMember(j).orElseThrow());
      assertThat(RecordJson.text(rendered)).as(f.toString()).isEqualTo(text);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"dualstack", "ipv4only"})
  void createRequestAppliedToDefaultsGivesZeroTiersAnswer(String r) throws Exception {
    JsonNode body = RecordJson.MAPPER.readTree(read(run(r).resolve("results/network-create-request.json")));
    JsonNode expected = RecordJson.MAPPER.readTree(read(run(r).resolve("results/network-create-response.json")));
    Network n = new Network(Ids.parseNetworkId(expected.get("id").asText()), expected.get("creationTime").asLong());
    Updates.applyToNetwork(n, body);
    n.revision(1);
    assertThat(RecordJson.text(RecordJson.render(n))).isEqualTo(RecordJson.text(expected));
  }

  @ParameterizedTest
  @ValueSource(strings = {"dualstack", "ipv4only"})
  void authorizeRequestStampsTheFieldsZeroTierStamps(String r) throws Exception {
    JsonNode expected = RecordJson.MAPPER.readTree(read(run(r).resolve("results/member-a-authorize-response.json")));
    Member m = new Member(Ids.parseNetworkId(expected.get("nwid").asText()),
        Ids.parseAddress(expected.get("id").asText()), expected.get("creationTime").asLong());
    m.identity(expected.get("identity").asText()).revision(1);
    Updates.applyToMember(m, RecordJson.MAPPER.readTree("{\"authorized\": true}"),
        expected.get("lastAuthorizedTime").asLong());
    m.revision(2);
    assertThat(RecordJson.text(RecordJson.render(m))).isEqualTo(RecordJson.text(expected));
  }
}
