package io.zt4j.node.sim;

import io.zt4j.node.identity.Identity;
import io.zt4j.node.wire.InetAddress;
import io.zt4j.node.wire.World;
import java.util.ArrayList;
import java.util.List;

/** Private planets and moons for tests, signed with a throw-away identity's key pair. */
public final class TestWorlds {
  private TestWorlds() {}

  /** A root: its identity and stable endpoints ("ip/port"). */
  public record RootSpec(Identity identity, String... endpoints) {}

  public static World planet(long id, long timestamp, Identity signer, RootSpec... roots) {
    return world(World.Type.PLANET, id, timestamp, signer, roots);
  }

  public static World moon(long id, long timestamp, Identity signer, RootSpec... roots) {
    return world(World.Type.MOON, id, timestamp, signer, roots);
  }

  static World world(World.Type type, long id, long timestamp, Identity signer, RootSpec... roots) {
    List<World.Root> rs = new ArrayList<>();
    for (RootSpec r : roots) {
      List<InetAddress> eps = new ArrayList<>();
      for (String e : r.endpoints()) {
        eps.add(InetAddress.fromString(e).orElseThrow());
      }
      rs.add(new World.Root(r.identity().withoutPrivateKey(), eps));
    }
    return World.make(type, id, timestamp, signer.publicKey(), rs, signer.privateKey().orElseThrow());
  }
}
