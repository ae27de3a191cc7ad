package io.zt4j.node.vl2;

/**
 * Payloads (the bytes after the verb) of the packets a controller sends a member, as ZeroTier
 * One's controller writes them:
 *
 * <pre>
 *  OK(NETWORK_CONFIG_REQUEST):  0x0b | in-re packet id u64 | config chunk ({@link NetworkConfigChunk})
 *  NETWORK_CONFIG (push):       config chunk
 *  ERROR(NETWORK_CONFIG_REQUEST): 0x0b | in-re packet id u64 | error code u8 | network id u64
 *                               (0x03 object not found / internal error, 0x07 access denied)
 *  NETWORK_CREDENTIALS with one revocation:
 *                               0x00 (no COM) | 0 capabilities u16 | 0 tags u16 | 1 u16 | revocation | 0 COOs u16
 * </pre>
 *
 * An error is only ever sent in reply to a request; a controller sends nothing when a pushed
 * config would be refused.
 */
public final class ControllerPayloads {
  /** Verb code of NETWORK_CONFIG_REQUEST, named in OK and ERROR replies. */
  public static final int VERB_NETWORK_CONFIG_REQUEST = 0x0b;
  /** ERROR code: the network does not exist (also sent for internal errors). */
  public static final int ERROR_OBJ_NOT_FOUND = 0x03;
  /** ERROR code: the member is not authorized. */
  public static final int ERROR_NETWORK_ACCESS_DENIED = 0x07;

  private ControllerPayloads() {}

  /** OK in reply to config request {@code inRePacketId}, carrying one chunk. */
  public static byte[] okConfig(long inRePacketId, NetworkConfigChunk chunk) {
    byte[] c = chunk.serialize();
    return new WireWriter(9 + c.length).u8(VERB_NETWORK_CONFIG_REQUEST).u64(inRePacketId).bytes(c).toByteArray();
  }

  /** NETWORK_CONFIG carrying one chunk (an update the member did not ask for). */
  public static byte[] pushConfig(NetworkConfigChunk chunk) {
    return chunk.serialize();
  }

  /** ERROR in reply to config request {@code inRePacketId}. */
  public static byte[] error(long inRePacketId, int errorCode, long networkId) {
    if (inRePacketId == 0) {
      throw new IllegalArgumentException("errors are only sent in reply to a request");
    }
    return new WireWriter(18).u8(VERB_NETWORK_CONFIG_REQUEST).u64(inRePacketId).u8(errorCode).u64(networkId)
        .toByteArray();
  }

  /** NETWORK_CREDENTIALS carrying one revocation. */
  public static byte[] revocation(Revocation revocation) {
    byte[] r = revocation.serialize();
    return new WireWriter(9 + r.length).u8(0).u16(0).u16(0).u16(1).bytes(r).u16(0).toByteArray();
  }
}
