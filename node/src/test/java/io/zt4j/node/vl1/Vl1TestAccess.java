package io.zt4j.node.vl1;

/** Test access to VL1 internals for replays driven from other packages (VL2's lab replay). */
public final class Vl1TestAccess {
  private Vl1TestAccess() {}

  /** Marks {@code packetId} as sent by us, so OKs in reply to it are acted on. */
  public static void expectReply(Vl1 vl1, long packetId) {
    vl1.expectedReplies().expect(packetId);
  }
}
