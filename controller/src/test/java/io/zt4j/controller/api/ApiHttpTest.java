package io.zt4j.controller.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.zt4j.controller.NetworkController;
import io.zt4j.controller.model.RecordJson;
import io.zt4j.controller.store.FileStore;
import io.zt4j.testkit.Environment;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The controller API over real HTTP on 127.0.0.1, compared with ZeroTier One's answers. */
class ApiHttpTest {
  private static final long ADDRESS = 0x2b53dd2a51L;

  @TempDir Path home;
  private final AtomicLong clock = new AtomicLong(1795672399210L);
  private NetworkController controller;
  private ApiServer server;
  private String token;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws Exception {
    token = AuthToken.loadOrCreate(home);
    controller = new NetworkController(ADDRESS, FileStore.open(home.resolve("controller.d")), clock::get, new Random(7));
    server = ApiServer.start(new ControllerApi(controller, token), 0);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private HttpResponse<String> call(String method, String path, String body, boolean auth) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (auth) {
      b.header("X-ZT1-Auth", token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> call(String method, String path, String body) throws Exception {
    return call(method, path, body, true);
  }

  private static JsonNode json(HttpResponse<String> r) throws Exception {
    return RecordJson.MAPPER.readTree(r.body());
  }

  private static String vector(String name) throws Exception {
    return Files.readString(Environment.vectors().resolve("lab/dualstack/results").resolve(name)).strip();
  }

  @Test
  void bindsLoopbackOnly() {
    assertThat(server.address().getAddress().isLoopbackAddress()).isTrue();
  }

  @Test
  void tokenIsRequiredInHeaderQueryOrBearer() throws Exception {
    assertThat(call("GET", "/controller", null, false).statusCode()).isEqualTo(401);
    assertThat(call("GET", "/controller/network", null, false).body()).isEqualTo("{}");
    HttpResponse<String> wrong = http.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + server.port() + "/controller")).header("X-ZT1-Auth", token + "x").build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(call("GET", "/controller?auth=" + token, null, false).statusCode()).isEqualTo(200);
    HttpResponse<String> bearer = http.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + server.port() + "/controller")).header("Authorization", "Bearer " + token).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(bearer.statusCode()).isEqualTo(200);
  }

  @Test
  void authTokenFileIsPrivateAndReused() throws Exception {
    Path f = home.resolve("authtoken.secret");
    assertThat(token).matches("[a-z0-9]{24}");
    assertThat(Files.getPosixFilePermissions(f)).containsExactlyInAnyOrder(
        PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    assertThat(AuthToken.loadOrCreate(home)).isEqualTo(token);
  }

  @Test
  void statusLooksLikeZeroTiers() throws Exception {
    HttpResponse<String> r = call("GET", "/controller", null);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(r.body()).isEqualTo(vector("controller-status.json").replace("1795672429857", "1795672399210") + "\n");
  }

  @Test
  void createWithRandomIdAnswersAsZeroTierDoes() throws Exception {
    HttpResponse<String> r = call("POST", "/controller/network/2b53dd2a51______", vector("network-create-request.json"));
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode got = json(r);
    String id = got.get("id").asText();
    assertThat(id).startsWith("2b53dd2a51").hasSize(16).isNotEqualTo("2b53dd2a51000000");
    String expected = vector("network-create-response.json").replace("2b53dd2a51a1b2c3", id);
    assertThat(r.body()).isEqualTo(expected);
    assertThat(json(call("GET", "/controller/network", null))).containsExactly(RecordJson.MAPPER.getNodeFactory().textNode(id));
    assertThat(call("GET", "/controller/network/" + id, null).body()).isEqualTo(expected);
    assertThat(Files.readString(home.resolve("controller.d/network/" + id + ".json"))).isEqualTo(expected);

    assertThat(call("POST", "/controller/network/1111111111______", "{}").statusCode()).isEqualTo(400);
    assertThat(call("POST", "/controller/network", "{\"name\":\"second\"}").statusCode()).isEqualTo(200);
    assertThat(json(call("GET", "/controller/network", null))).hasSize(2);
  }

  @Test
  void postWithAFixedIdCreatesThenChangesWithRevisions() throws Exception {
    String nw = "/controller/network/2b53dd2a51a1b2c3";
    JsonNode created = json(call("POST", nw, "{\"name\":\"x\"}"));
    assertThat(created.get("revision").asLong()).isEqualTo(1);
    assertThat(created.get("private").asBoolean()).isTrue();
    assertThat(created.get("rules").toString()).isEqualTo("[{\"type\":\"ACTION_ACCEPT\"}]");
    assertThat(created.get("v6AssignMode").toString()).isEqualTo("{\"6plane\":false,\"rfc4193\":false,\"zt\":false}");
    assertThat(json(call("POST", nw, "{\"name\":\"x\",\"revision\":99,\"id\":\"0000000000000001\"}")).get("revision").asLong())
        .as("no change, no new revision; read-only keys ignored").isEqualTo(1);
    JsonNode changed = json(call("PUT", nw, "{\"mtu\":99999,\"v4AssignMode\":\"zt\",\"private\":0}"));
    assertThat(changed.get("revision").asLong()).isEqualTo(2);
    assertThat(changed.get("mtu").asInt()).as("clamped as ZeroTier clamps").isEqualTo(10000);
    assertThat(changed.get("v4AssignMode").get("zt").asBoolean()).isTrue();
    assertThat(changed.get("private").asBoolean()).isFalse();
    assertThat(changed.get("id").asText()).isEqualTo("2b53dd2a51a1b2c3");
  }

  @Test
  void badJsonAndBadValuesAre400AndChangeNothing() throws Exception {
    String nw = "/controller/network/2b53dd2a51a1b2c3";
    call("POST", nw, vector("network-create-request.json"));
    Path file = home.resolve("controller.d/network/2b53dd2a51a1b2c3.json");
    byte[] before = Files.readAllBytes(file);
    String[][] cases = {
      {"{\"name\": ", "malformed JSON"},
      {"[1,2]", "must be a JSON object"},
      {"{\"name\":\"a\"} trailing", "malformed JSON"},
      {"{\"routes\":[{\"target\":\"banana\"}]}", "routes[0].target"},
      {"{\"routes\":\"10.0.0.0/8\"}", "routes: expected an array"},
      {"{\"ipAssignmentPools\":[{\"ipRangeStart\":\"10.0.0.9\",\"ipRangeEnd\":\"10.0.0.1\"}]}", "after"},
      {"{\"rules\":[{\"type\":\"MATCH_NONSENSE\"}]}", "unknown rule type"},
      {"{\"rules\":[{\"type\":\"MATCH_ETHERTYPE\",\"etherType\":70000}]}", "rules[0].etherType"},
      {"{\"private\":\"maybe\"}", "private"},
      {"{\"multicastLimit\":-1}", "multicastLimit"},
      {"{\"name\":\"ok\",\"mtu\":{}}", "mtu"},
    };
    for (String[] c : cases) {
      HttpResponse<String> r = call("POST", nw, c[0]);
      assertThat(r.statusCode()).as(c[0]).isEqualTo(400);
      assertThat(json(r).get("error").asInt()).isEqualTo(400);
      assertThat(json(r).get("description").asText()).as(c[0]).contains(c[1]);
    }
    assertThat(Files.readAllBytes(file)).isEqualTo(before);
    assertThat(json(call("GET", nw, null)).get("revision").asLong()).isEqualTo(1);

    call("POST", nw + "/member/d5f97e2e50", "{\"authorized\":true}");
    Path mf = home.resolve("controller.d/network/2b53dd2a51a1b2c3/member/d5f97e2e50.json");
    byte[] mbefore = Files.readAllBytes(mf);
    for (String bad : new String[] {"{\"ipAssignments\":[\"10.0.0.300\"]}", "{\"tags\":[[1]]}",
        "{\"authorized\":\"perhaps\"}", "{\"capabilities\":[\"x\"]}", "not json"}) {
      assertThat(call("POST", nw + "/member/d5f97e2e50", bad).statusCode()).as(bad).isEqualTo(400);
    }
    assertThat(Files.readAllBytes(mf)).isEqualTo(mbefore);
  }

  @Test
  void membersAuthorizeListAndDelete() throws Exception {
    String nw = "/controller/network/2b53dd2a51a1b2c3";
    assertThat(call("POST", nw + "/member/d5f97e2e50", "{\"authorized\":true}").statusCode())
        .as("no network yet").isEqualTo(404);
    call("POST", nw, "{}");
    clock.set(1795672409439L);
    JsonNode m = json(call("POST", nw + "/member/D5F97E2E50", "{\"authorized\":true,\"name\":\"a\"}"));
    assertThat(m.get("id").asText()).isEqualTo("d5f97e2e50");
    assertThat(m.get("authorized").asBoolean()).isTrue();
    assertThat(m.get("lastAuthorizedTime").asLong()).isEqualTo(1795672409439L);
    assertThat(m.get("lastAuthorizedCredentialType").asText()).isEqualTo("api");
    assertThat(m.get("revision").asLong()).isEqualTo(1);
    assertThat(m.has("identity")).as("unknown until the member asks for a config").isFalse();
    assertThat(m.get("vMajor").asInt()).isEqualTo(-1);

    JsonNode ip = json(call("POST", nw + "/member/d5f97e2e50",
        "{\"ipAssignments\":[\"10.1.2.3\",\"fd00:0:0:0::1\"],\"tags\":[[2,5],[1,7],[2,6]],\"capabilities\":[3,1,3]}"));
    assertThat(ip.get("ipAssignments").toString()).isEqualTo("[\"10.1.2.3\",\"fd00::1\"]");
    assertThat(ip.get("tags").toString()).isEqualTo("[[1,7],[2,6]]");
    assertThat(ip.get("capabilities").toString()).isEqualTo("[1,3]");
    assertThat(ip.get("revision").asLong()).isEqualTo(2);

    call("POST", nw + "/member/fb8e8ac629", "{}");
    assertThat(call("GET", nw + "/member", null).body()).isEqualTo("{\"d5f97e2e50\":2,\"fb8e8ac629\":1}");
    JsonNode unstable = json(call("GET", "/unstable" + nw + "/member", null));
    assertThat(unstable.get("meta").toString()).isEqualTo("{\"authorizedCount\":1,\"totalCount\":2}");
    assertThat(unstable.get("data")).hasSize(2);
    JsonNode nets = json(call("GET", "/unstable/controller/network", null));
    assertThat(nets.get("meta").get("networkCount").asInt()).isEqualTo(1);
    assertThat(nets.get("data").get(0).get("meta").get("totalMemberCount").asInt()).isEqualTo(2);

    clock.set(1795672500000L);
    JsonNode deauth = json(call("POST", nw + "/member/d5f97e2e50", "{\"authorized\":false}"));
    assertThat(deauth.get("lastDeauthorizedTime").asLong()).isEqualTo(1795672500000L);
    assertThat(deauth.get("lastAuthorizedTime").asLong()).isEqualTo(1795672409439L);

    assertThat(call("DELETE", nw + "/member/d5f97e2e50", null).statusCode()).isEqualTo(200);
    assertThat(call("GET", nw + "/member/d5f97e2e50", null).statusCode()).isEqualTo(404);
    assertThat(call("DELETE", nw + "/member/d5f97e2e50", null).statusCode()).isEqualTo(404);
    assertThat(Files.exists(home.resolve("controller.d/network/2b53dd2a51a1b2c3/member/d5f97e2e50.json"))).isFalse();

    assertThat(json(call("DELETE", nw, null)).get("id").asText()).isEqualTo("2b53dd2a51a1b2c3");
    assertThat(call("GET", nw, null).statusCode()).isEqualTo(404);
    assertThat(call("GET", nw + "/member", null).statusCode()).isEqualTo(404);
    assertThat(Files.exists(home.resolve("controller.d/network/2b53dd2a51a1b2c3"))).isFalse();
    assertThat(Files.exists(home.resolve("controller.d/network/2b53dd2a51a1b2c3.json"))).isFalse();
  }

  @Test
  void unknownPathsMethodsAndJsonp() throws Exception {
    assertThat(call("GET", "/controller/nothing", null).statusCode()).isEqualTo(404);
    assertThat(call("DELETE", "/controller", null).statusCode()).isEqualTo(405);
    HttpResponse<String> r = call("GET", "/controller/network?jsonp=cb", null);
    assertThat(r.body()).isEqualTo("cb([]);");
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/javascript");
    assertThat(Set.of(call("GET", "/controller/network/2b53dd2a51a1b2c3", null).statusCode())).containsExactly(404);
  }
}
