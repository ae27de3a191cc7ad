package io.zt4j.node.vl1;

import io.zt4j.node.NodeEvent;

/**
 * ERROR ({@code IncomingPacket::_doERROR}).
 *
 * <pre>
 *  ERROR payload: in-re verb u8 | in-re packet id u64 | error code u8 | code-specific
 * </pre>
 *
 * <p>Like ZeroTier, ERRORs are not matched against sent packet ids; each code is trusted only
 * from whom it makes sense: IDENTITY_COLLISION only from an upstream (then the node must stop:
 * {@link NodeEvent.IdentityCollision}); the network codes (OBJ_NOT_FOUND,
 * UNSUPPORTED_OPERATION, NEED_MEMBERSHIP_CERTIFICATE, NETWORK_ACCESS_DENIED, UNWANTED_MULTICAST,
 * NETWORK_AUTHENTICATION_REQUIRED) go to VL2's handlers, which check the sender is the network's
 * controller or member. Other codes are accounted and ignored.
 */
final class ErrorHandler implements VerbHandler {
  @Override
  public boolean handle(Vl1 vl1, InboundPacket p) {
    PayloadReader r = p.payload();
    int inReVerb = r.u8();
    long inReId = r.u64();
    int code = r.u8();
    if (code == Verbs.ERROR_IDENTITY_COLLISION) {
      if (vl1.topology().isUpstream(p.peer().address())) {
        vl1.event(new NodeEvent.IdentityCollision(p.peer().identity().address()));
      }
    } else {
      ReplyHandler h = vl1.errorHandler(code);
      if (h != null) {
        h.handle(vl1, p, inReVerb, inReId, code, r);
      }
    }
    vl1.received(p, false);
    return true;
  }
}
