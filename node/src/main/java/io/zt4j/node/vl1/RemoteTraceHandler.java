package io.zt4j.node.vl1;

import io.zt4j.node.NodeEvent;
import java.nio.charset.StandardCharsets;

/**
 * REMOTE_TRACE ({@code IncomingPacket::_doREMOTE_TRACE}): NUL-separated trace dictionaries a node
 * sends to a collector; each non-empty one up to {@link #MAX_TRACE_BYTES} becomes a
 * {@link NodeEvent.RemoteTrace}.
 */
final class RemoteTraceHandler implements VerbHandler {
  /** {@code ZT_MAX_REMOTE_TRACE_SIZE}. */
  static final int MAX_TRACE_BYTES = 10_000;

  @Override
  public boolean handle(Vl1 vl1, InboundPacket p) {
    byte[] d = p.data();
    int start = PacketBuilder.IDX_PAYLOAD;
    for (int i = start; i < p.size(); i++) {
      if (d[i] == 0) {
        int len = i - start;
        if (len > 0 && len <= MAX_TRACE_BYTES) {
          vl1.event(new NodeEvent.RemoteTrace(p.peer().identity().address(),
              new String(d, start, len, StandardCharsets.UTF_8)));
        }
        start = i + 1;
      }
    }
    vl1.received(p, false);
    return true;
  }
}
