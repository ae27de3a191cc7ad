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
 * <p>Must be called on the node's thread: the node calls {@link #request} there, and
 * {@link #flushOn} has every record change's pushes sent there as soon as the change is stored
 * (or the owner of the node calls {@link #flush} itself).
 */
public final class ControllerHook implements LocalController {
  private final ConfigIssuer issuer;
  private final Vl2 vl2;
  private final LongSupplier nodeClock;
  private final java.util.concurrent.atomic.AtomicLong pushed = new java.util.concurrent.atomic.AtomicLong();

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

  /**
   * Sends what record changes queue as soon as they queue it: {@code nodeThread} must run the
   * task it is given on the node's thread, later (it is called from the thread that changed the
   * records, under the controller's lock, so it must not wait for the node).
   */
  public void flushOn(java.util.concurrent.Executor nodeThread) {
    issuer.onOutbound(() -> nodeThread.execute(this::flush));
    if (issuer.hasOutbound()) {
      nodeThread.execute(this::flush);
    }
  }

  /** Sends the pushes and revocations queued since the last call; returns how many. */
  public int flush() {
    List<Outbound> out = issuer.drainOutbound();
    out.forEach(this::send);
    pushed.addAndGet(out.size());
    return out.size();
  }

  /** How many pushed configs and revocations {@link #flush} has sent so far (any thread). */
  public long pushed() {
    return pushed.get();
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
