package io.zt4j.node.vl1;

/**
 * Handles an OK reply to a verb we sent, or an ERROR with a given code. VL2 registers these
 * (OK for NETWORK_CONFIG_REQUEST, MULTICAST_GATHER, MULTICAST_FRAME; ERROR for OBJ_NOT_FOUND,
 * NEED_MEMBERSHIP_CERTIFICATE, NETWORK_ACCESS_DENIED…) with {@link Vl1#registerOk} and
 * {@link Vl1#registerError}. VL1 accounts the packet ({@link Vl1#received}) after the handler.
 */
@FunctionalInterface
public interface ReplyHandler {
  /**
   * @param inReVerb the verb the reply is about
   * @param code for ERROR the error code, for OK 0
   * @param rest a reader positioned after the in-re fields (and the error code)
   */
  void handle(Vl1 vl1, InboundPacket packet, int inReVerb, long inRePacketId, int code, PayloadReader rest);
}
