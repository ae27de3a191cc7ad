package io.zt4j.node.vl1;

import io.zt4j.node.NodeEvent;

/**
 * USER_MESSAGE ({@code IncomingPacket::_doUSER_MESSAGE}): an application message between nodes,
 * delivered to the host as {@link NodeEvent.UserMessage}.
 *
 * <pre>
 *  payload: type id u64 | data …
 * </pre>
 */
final class UserMessageHandler implements VerbHandler {
  @Override
  public boolean handle(Vl1 vl1, InboundPacket p) {
    if (p.payloadLength() >= 8) {
      PayloadReader r = p.payload();
      long typeId = r.u64();
      byte[] data = r.bytes(r.remaining());
      vl1.event(new NodeEvent.UserMessage(p.peer().identity().address(), typeId, data));
    }
    vl1.received(p, false);
    return true;
  }
}
