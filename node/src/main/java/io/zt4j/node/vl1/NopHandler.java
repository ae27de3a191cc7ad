package io.zt4j.node.vl1;

/**
 * NOP and verbs with nothing to do: authenticated, so accounted as received (which also keeps the
 * path alive), otherwise ignored.
 */
final class NopHandler implements VerbHandler {
  @Override
  public boolean handle(Vl1 vl1, InboundPacket p) {
    vl1.received(p, false);
    return true;
  }
}
