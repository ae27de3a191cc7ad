package io.zt4j.node.sim;

import io.zt4j.node.NodeConfig;
import io.zt4j.node.sim.TestWorlds.RootSpec;
import io.zt4j.node.wire.World;
import io.zt4j.testkit.simnet.SimNetwork;
import java.util.function.Consumer;

/**
 * The usual simulation fixture: a seeded simulated internet and a private planet signed by test
 * identity 0 whose one root is test identity 1 at 1.0.0.1/9993. Nodes are made with a name, a
 * public IP and a test identity index (also their random seed); none is started.
 */
public final class SimPlanet {
  public static final String ROOT_IP = "1.0.0.1";
  public final SimNetwork net;
  public final World planet;

  public SimPlanet(long seed, long planetId) {
    this.net = new SimNetwork(seed);
    this.planet = TestWorlds.planet(planetId, 1_000L, TestIdentities.get(0),
        new RootSpec(TestIdentities.get(1), ROOT_IP + "/9993"));
  }

  /** The planet's root (test identity 1 at 1.0.0.1). */
  public SimNode root() {
    return node("root", ROOT_IP, 1);
  }

  /** A node on the internet at {@code ip} with test identity {@code id}, port 9993. */
  public SimNode node(String name, String ip, int id) {
    return node(name, ip, id, b -> { });
  }

  /** As {@link #node(String, String, int)}, with {@code configure} adding to its configuration. */
  public SimNode node(String name, String ip, int id, Consumer<NodeConfig.Builder> configure) {
    return new SimNode(net, name, net.internet().addHost(name, ip), 9993, TestIdentities.get(id), planet, id, configure);
  }
}
