package io.zt4j.controller;

import io.zt4j.controller.ConfigIssuer.ConfigMessage;
import io.zt4j.controller.ConfigIssuer.ErrorMessage;
import io.zt4j.controller.ConfigIssuer.Outbound;
import io.zt4j.controller.ConfigIssuer.RevocationMessage;
import io.zt4j.node.identity.Identity;
import io.zt4j.node.vl2.ControllerPayloads;
import io.zt4j.node.vl2.LocalController;
import io.zt4j.node.vl2.Vl2;
import io.zt4j.node.wire.Dictionary;
import io.zt4j.node.wire.InetAddress;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Plugs a {@link ConfigIssuer} into a node as its {@link LocalController}: config requests the
 * node receives for our networks are answered at once through the node's {@link Vl2}
 * (OK with the signed config chunks, or ERROR), and {@link #flush()} sends what record changes
 * queued (pushed configs, revocations).
 *
 * <p>Must be called on the node's thread (the node calls {@link #request} there; the owner of
 * the node loop calls {@link #flush} there, e.g. every few hundred milliseconds).
 */
public final class ControllerHook implements LocalController {
  private final ConfigIssuer issuer;
  private final Vl2 vl2;
  private final LongSupplier nodeClock;

  /**
   * @param issuer answers requests
   * @param vl2 the controller node's VL2 layer, used to send
   * @param nodeClock the node's clock (ms), passed to its send calls
   */
  public ControllerHook(ConfigIssuer issuer, Vl2 vl2, LongSupplier nodeClock) {
    this.issuer = issuer;
    this.vl2 = vl2;
    this.nodeClock = nodeClock;
  }

  @Override
  public void request(long networkId, InetAddress from, long requestPacketId, Identity requester, Dictionary metadata) {
    issuer.request(networkId, requester, metadata, requestPacketId).ifPresent(this::send);
  }

  /** Sends the pushes and revocations queued since the last call; returns how many. */
  public int flush() {
    List<Outbound> out = issuer.drainOutbound();
    out.forEach(this::send);
    return out.size();
  }

  private void send(Outbound o) {
    long now = nodeClock.getAsLong();
    if (o instanceof ConfigMessage c) {
      vl2.sendConfig(c.networkId(), c.inRePacketId(), c.destination(), c.config(), now);
    } else if (o instanceof ErrorMessage e) {
      int code = switch (e.code()) {
        case ACCESS_DENIED -> ControllerPayloads.ERROR_NETWORK_ACCESS_DENIED;
        case OBJECT_NOT_FOUND, INTERNAL_SERVER_ERROR -> ControllerPayloads.ERROR_OBJ_NOT_FOUND;
      };
      vl2.sendError(e.networkId(), e.inRePacketId(), e.destination(), code, null, now);
    } else if (o instanceof RevocationMessage r) {
      vl2.sendRevocation(r.destination(), r.revocation(), now);
    }
  }
}
