package io.zt4j.controller.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.zt4j.controller.NetworkController;
import io.zt4j.controller.model.Ids;
import io.zt4j.controller.model.InvalidRequestException;
import io.zt4j.controller.model.Member;
import io.zt4j.controller.model.Network;
import io.zt4j.controller.model.RecordJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The controller's local HTTP API, as ZeroTier One serves it (so tools written for a self-hosted
 * ZeroTier controller work): request in, response out, no I/O of its own.
 *
 * <pre>
 *   GET    /controller                                   status
 *   GET    /controller/network                           ["nwid", …]
 *   POST   /controller/network                           create with a random ID
 *   POST   /controller/network/&lt;address&gt;______          create with a random ID (older form)
 *   GET    /controller/network/&lt;nwid&gt;                    the network
 *   POST   /controller/network/&lt;nwid&gt;                    create or change it
 *   DELETE /controller/network/&lt;nwid&gt;                    delete it (and its members)
 *   GET    /controller/network/&lt;nwid&gt;/member             {"address": revision, …}
 *   GET    /controller/network/&lt;nwid&gt;/member/&lt;addr&gt;    the member
 *   POST   /controller/network/&lt;nwid&gt;/member/&lt;addr&gt;    create or change it
 *   DELETE /controller/network/&lt;nwid&gt;/member/&lt;addr&gt;    delete it
 *   GET    /unstable/controller/network[/&lt;nwid&gt;/member]  full records with counts
 * </pre>
 *
 * PUT is accepted wherever POST is. Every request needs the token from {@code authtoken.secret}
 * in the {@code X-ZT1-Auth} header, the {@code auth} query parameter, or
 * {@code Authorization: Bearer}; otherwise 401. Errors other than 401 carry
 * {@code {"error": <status>, "description": "<why>"}}: 400 for malformed JSON or values (nothing
 * is stored), 404 for unknown objects, 405 for a method a path does not take. A {@code jsonp}
 * query parameter wraps the answer in a call, as ZeroTier does.
 *
 * <p>Thread-safe (state lives in the {@link NetworkController}).
 */
public final class ControllerApi {
  /** The controller API version ZeroTier One 1.14 reports. */
  public static final int API_VERSION = 4;

  private static final Pattern NETWORK = Pattern.compile("/controller/network/([0-9a-fA-F]{16})");
  private static final Pattern OLD_CREATE = Pattern.compile("/controller/network/([0-9a-fA-F]{10})______");
  private static final Pattern MEMBERS = Pattern.compile("(/unstable)?/controller/network/([0-9a-fA-F]{16})/member");
  private static final Pattern MEMBER = Pattern.compile("/controller/network/([0-9a-fA-F]{16})/member/([0-9a-fA-F]{10})");

  private static final ObjectMapper STRICT = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private final NetworkController controller;
  private final byte[] token;

  /** Serves {@code controller}; requests must present {@code authToken}. */
  public ControllerApi(NetworkController controller, String authToken) {
    if (authToken == null || authToken.isBlank()) {
      throw new IllegalArgumentException("an auth token is required");
    }
    this.controller = controller;
    this.token = authToken.strip().getBytes(StandardCharsets.UTF_8);
  }

  /** Answers one request. Never throws: failures become 4xx/5xx answers. */
  public ApiResponse handle(ApiRequest req) {
    if (!authorized(req)) {
      return ApiResponse.json(401, "{}");
    }
    ApiResponse r;
    try {
      r = route(req);
    } catch (InvalidRequestException e) {
      r = error(400, e.getMessage());
    } catch (IOException e) {
      r = error(500, "storage failed: " + e.getMessage());
    } catch (RuntimeException e) {
      r = error(500, e.toString());
    }
    String jsonp = req.query().get("jsonp");
    if (jsonp != null && !jsonp.isEmpty()) {
      String body = r.body().length == 0 ? "null" : r.bodyText();
      return new ApiResponse(r.status(), "application/javascript",
          (jsonp + "(" + body + ");").getBytes(StandardCharsets.UTF_8));
    }
    return r;
  }

  private ApiResponse route(ApiRequest req) throws InvalidRequestException, IOException {
    String path = req.path().length() > 1 && req.path().endsWith("/")
        ? req.path().substring(0, req.path().length() - 1) : req.path();
    String m = req.method();
    boolean get = m.equals("GET") || m.equals("HEAD");
    boolean post = m.equals("POST") || m.equals("PUT");
    boolean delete = m.equals("DELETE");
    Matcher x;

    if (path.equals("/controller")) {
      return get ? status() : notAllowed(m, path);
    }
    if (path.equals("/controller/network")) {
      if (get) {
        ArrayNode a = F.arrayNode();
        controller.networkIds().forEach(id -> a.add(Ids.networkId(id)));
        return ok(a);
      }
      return post ? ok(RecordJson.render(controller.createNetwork(body(req)))) : notAllowed(m, path);
    }
    if (path.equals("/unstable/controller/network")) {
      return get ? networksWithMeta() : notAllowed(m, path);
    }
    if ((x = OLD_CREATE.matcher(path)).matches()) {
      if (!post) {
        return notAllowed(m, path);
      }
      if (Long.parseLong(x.group(1), 16) != controller.address()) {
        return error(400, "networks here are created under this controller's address " + Ids.address(controller.address()));
      }
      return ok(RecordJson.render(controller.createNetwork(body(req))));
    }
    if ((x = NETWORK.matcher(path)).matches()) {
      long nwid = Long.parseUnsignedLong(x.group(1), 16);
      if (get) {
        return found(controller.network(nwid).map(RecordJson::render), "network");
      }
      if (post) {
        return ok(RecordJson.render(controller.updateNetwork(nwid, body(req))));
      }
      return delete ? found(controller.deleteNetwork(nwid).map(RecordJson::render), "network") : notAllowed(m, path);
    }
    if ((x = MEMBERS.matcher(path)).matches()) {
      long nwid = Long.parseUnsignedLong(x.group(2), 16);
      if (!get) {
        return notAllowed(m, path);
      }
      if (controller.network(nwid).isEmpty()) {
        return error(404, "no such network");
      }
      List<Member> members = controller.members(nwid);
      if (x.group(1) == null) {
        ObjectNode o = F.objectNode();
        members.forEach(mb -> o.put(mb.addressString(), mb.revision()));
        return ok(o);
      }
      ObjectNode out = F.objectNode();
      ArrayNode data = out.putArray("data");
      members.forEach(mb -> data.add(RecordJson.render(mb)));
      ObjectNode meta = out.putObject("meta");
      meta.put("authorizedCount", members.stream().filter(Member::authorized).count());
      meta.put("totalCount", members.size());
      return ok(out);
    }
    if ((x = MEMBER.matcher(path)).matches()) {
      long nwid = Long.parseUnsignedLong(x.group(1), 16);
      long addr = Long.parseLong(x.group(2), 16);
      if (get) {
        return found(controller.member(nwid, addr).map(RecordJson::render), "member");
      }
      if (post) {
        JsonNode b = body(req);
        return found(controller.updateMember(nwid, addr, b).map(RecordJson::render), "network");
      }
      return delete ? found(controller.deleteMember(nwid, addr).map(RecordJson::render), "member") : notAllowed(m, path);
    }
    return error(404, "no such endpoint: " + path);
  }

  private ApiResponse status() {
    // Laid out exactly as ZeroTier One writes it.
    return ApiResponse.json(200, String.format(Locale.ROOT,
        "{\n\t\"controller\": true,\n\t\"apiVersion\": %d,\n\t\"clock\": %d,\n\t\"databaseReady\": true\n}\n",
        API_VERSION, controller.now()));
  }

  private ApiResponse networksWithMeta() {
    ObjectNode out = F.objectNode();
    ArrayNode data = out.putArray("data");
    long count = 0;
    for (long id : controller.networkIds()) {
      Optional<Network> n = controller.network(id);
      if (n.isEmpty()) {
        continue;
      }
      List<Member> members = controller.members(id);
      ObjectNode j = RecordJson.render(n.get());
      ObjectNode meta = j.putObject("meta");
      meta.put("authorizedMemberCount", members.stream().filter(Member::authorized).count());
      meta.put("totalMemberCount", members.size());
      data.add(j);
      count++;
    }
    out.putObject("meta").put("networkCount", count);
    return ok(out);
  }

  private static JsonNode body(ApiRequest req) throws InvalidRequestException {
    String text = new String(req.body(), StandardCharsets.UTF_8);
    if (text.isBlank()) {
      return F.objectNode();
    }
    JsonNode b;
    try {
      b = STRICT.readTree(text);
    } catch (JsonProcessingException e) {
      throw new InvalidRequestException("malformed JSON: " + e.getOriginalMessage());
    }
    if (b == null || !b.isObject()) {
      throw new InvalidRequestException("the request body must be a JSON object");
    }
    return b;
  }

  private boolean authorized(ApiRequest req) {
    String presented = req.headers().get("x-zt1-auth");
    if (presented == null) {
      presented = req.query().get("auth");
    }
    if (presented == null) {
      String a = req.headers().get("authorization");
      if (a != null && a.regionMatches(true, 0, "Bearer ", 0, 7)) {
        presented = a.substring(7);
      }
    }
    return presented != null
        && MessageDigest.isEqual(presented.strip().getBytes(StandardCharsets.UTF_8), token);
  }

  private static ApiResponse ok(JsonNode j) {
    return ApiResponse.json(200, RecordJson.text(j));
  }

  private static ApiResponse found(Optional<? extends JsonNode> j, String what) {
    return j.isPresent() ? ok(j.get()) : error(404, "no such " + what);
  }

  private static ApiResponse notAllowed(String method, String path) {
    return error(405, method + " is not allowed on " + path);
  }

  static ApiResponse error(int status, String description) {
    ObjectNode o = F.objectNode();
    o.put("error", status);
    o.put("description", description);
    return ApiResponse.json(status, RecordJson.text(o));
  }
}
