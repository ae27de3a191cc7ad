package io.zt4j.service.cli;

import io.zt4j.controller.ConfigIssuer;
import io.zt4j.controller.ControllerHook;
import io.zt4j.controller.NetworkController;
import io.zt4j.controller.api.ApiServer;
import io.zt4j.controller.api.ControllerApi;
import io.zt4j.controller.store.ControllerStore;
import io.zt4j.node.identity.Identity;
import io.zt4j.runtime.NodeRunner;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A running controller, as {@code zt4j controller run} starts it: the records over a store, the
 * HTTP API, and (optionally) the controller's own ZeroTier node answering members' config
 * requests through a {@link ControllerHook}. A record change made through the API (or any other
 * caller of {@link #records()}) has its pushed configs and revocations sent from the node's
 * thread as soon as it is stored; nothing polls.
 */
final class ControllerDaemon implements AutoCloseable {
  private final NetworkController records;
  private final ConfigIssuer issuer;
  private final ApiServer api;
  private final NodeRunner node;
  private final ControllerHook hook;

  private ControllerDaemon(NetworkController records, ConfigIssuer issuer, ApiServer api, NodeRunner node,
      ControllerHook hook) {
    this.records = records;
    this.issuer = issuer;
    this.api = api;
    this.node = node;
    this.hook = hook;
  }

  /**
   * Starts the API and, if {@code nodeOptions} is given, the node (with {@code identity}: give
   * the options a home holding it, or {@code identity(...)}).
   *
   * @param warnings told when a push could not be sent
   */
  static ControllerDaemon start(Identity identity, ControllerStore store, String apiToken, InetSocketAddress apiBind,
      NodeRunner.Options nodeOptions, Consumer<String> warnings) throws IOException {
    NetworkController records = new NetworkController(identity.address().toLong(), store,
        System::currentTimeMillis, new SecureRandom());
    ConfigIssuer issuer = new ConfigIssuer(records, identity);
    ApiServer api = ApiServer.start(new ControllerApi(records, apiToken), apiBind);
    NodeRunner r = null;
    ControllerHook hook = null;
    try {
      if (nodeOptions != null) {
        r = NodeRunner.start(nodeOptions);
        if (r.address().toLong() != identity.address().toLong()) {
          throw new IllegalArgumentException("the node's identity " + r.address() + " is not the controller's "
              + identity.address());
        }
        NodeRunner runner = r;
        hook = r.call(n -> {
          ControllerHook h = new ControllerHook(issuer, n.vl2(), runner::now);
          n.vl2().localController(h);
          return h;
        });
        hook.flushOn(task -> runner.post(n -> task.run()).whenComplete((v, e) -> {
          if (e != null && runner.failure().isEmpty()) {
            warnings.accept("push failed: " + e.getMessage());
          }
        }));
      }
    } catch (RuntimeException e) {
      if (r != null) {
        r.close();
      }
      api.close();
      throw e;
    }
    return new ControllerDaemon(records, issuer, api, r, hook);
  }

  NetworkController records() {
    return records;
  }

  ConfigIssuer issuer() {
    return issuer;
  }

  ApiServer api() {
    return api;
  }

  /** The node's link to the records (empty without a node). */
  Optional<ControllerHook> hook() {
    return Optional.ofNullable(hook);
  }

  Optional<NodeRunner> node() {
    return Optional.ofNullable(node);
  }

  @Override
  public void close() {
    try {
      api.close();
    } finally {
      if (node != null) {
        node.close();
      }
    }
  }
}
