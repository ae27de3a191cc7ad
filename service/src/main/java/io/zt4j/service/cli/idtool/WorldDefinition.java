package io.zt4j.service.cli.idtool;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zt4j.node.identity.Identity;
import io.zt4j.node.wire.InetAddress;
import io.zt4j.node.wire.World;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Reading the JSON world definitions of {@code genmoon} (as {@code initmoon} prints them) and
 * {@code mkworld}: ids, keys and the roots with their stable endpoints.
 */
final class WorldDefinition {
  private WorldDefinition() {}

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A definition that cannot be used; the message is printed as is. */
  static final class Invalid extends Exception {
    private static final long serialVersionUID = 1L;

    Invalid(String message) {
      super(message);
    }
  }

  static JsonNode parse(byte[] json, String file) throws Invalid {
    try {
      JsonNode n = JSON.readTree(json);
      if (n == null || !n.isObject()) {
        throw new Invalid("cannot parse " + file + ": not a JSON object");
      }
      return n;
    } catch (JsonProcessingException e) {
      throw new Invalid("cannot parse " + file + ": " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new Invalid("cannot parse " + file + ": " + e.getMessage());
    }
  }

  /**
   * A value as ZeroTier's {@code OSUtils::jsonString} reads it: strings as they are, numbers in
   * decimal, booleans as 1/0; {@code dfl} for anything else or a missing key.
   */
  static String jsonString(JsonNode n, String dfl) {
    if (n == null) {
      return dfl;
    }
    if (n.isTextual()) {
      return n.textValue();
    }
    if (n.isIntegralNumber()) {
      return n.bigIntegerValue().toString();
    }
    if (n.isNumber()) {
      return Long.toUnsignedString(n.longValue());
    }
    if (n.isBoolean()) {
      return n.booleanValue() ? "1" : "0";
    }
    return dfl;
  }

  /** A 64-byte key in hex under {@code key}. */
  static byte[] key(JsonNode root, String key) throws Invalid {
    String hex = jsonString(root.get(key), "");
    byte[] b = IdtoolSupport.unhex(hex, 64);
    if (b.length != 64) {
      throw new Invalid("invalid " + key + " (need 128 hex digits)");
    }
    return b;
  }

  /**
   * The {@code roots} array: each an object with {@code identity} and {@code stableEndpoints}
   * (strings {@code ip/port}). With {@code sort}, endpoints and roots are sorted the way
   * genmoon sorts them (ZeroTier's address and identity order).
   */
  static List<World.Root> roots(JsonNode root, boolean sort) throws Invalid {
    JsonNode rootsJ = root.get("roots");
    List<World.Root> roots = new ArrayList<>();
    if (rootsJ == null || !rootsJ.isArray()) {
      return roots;
    }
    for (JsonNode r : rootsJ) {
      if (!r.isObject()) {
        continue;
      }
      String idText = jsonString(r.get("identity"), "");
      Optional<Identity> id = Identity.fromString(idText.strip());
      if (id.isEmpty()) {
        throw new Invalid("invalid root identity: " + idText);
      }
      List<InetAddress> eps = new ArrayList<>();
      JsonNode epsJ = r.get("stableEndpoints");
      if (epsJ != null && epsJ.isArray()) {
        for (JsonNode e : epsJ) {
          String s = jsonString(e, "");
          eps.add(InetAddress.fromString(s).orElseThrow(() -> new Invalid("invalid stable endpoint: " + s)));
        }
      }
      if (eps.size() > World.MAX_STABLE_ENDPOINTS_PER_ROOT) {
        throw new Invalid("root " + id.get().address() + " has more than "
            + World.MAX_STABLE_ENDPOINTS_PER_ROOT + " stable endpoints");
      }
      if (sort) {
        eps.sort(null);
      }
      roots.add(new World.Root(id.get().withoutPrivateKey(), eps));
    }
    if (roots.size() > World.MAX_ROOTS) {
      throw new Invalid("more than " + World.MAX_ROOTS + " roots");
    }
    if (sort) {
      roots.sort((a, b) -> {
        int c = a.identity().address().compareTo(b.identity().address());
        return c != 0 ? c : Arrays.compareUnsigned(a.identity().publicKey(), b.identity().publicKey());
      });
    }
    return roots;
  }
}
