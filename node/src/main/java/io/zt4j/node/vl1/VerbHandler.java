package io.zt4j.node.vl1;

/**
 * Handles one verb of authenticated packets. VL1 registers its own (HELLO, OK, ERROR, WHOIS,
 * RENDEZVOUS, ECHO, PUSH_DIRECT_PATHS, USER_MESSAGE, REMOTE_TRACE, NOP); VL2 registers the network
 * verbs with {@link Vl1#registerVerb}.
 *
 * <p>A handler reads the payload with {@link InboundPacket#payload()}; running past the end
 * throws {@link PayloadReader.Truncated}, which the dispatcher counts as malformed. A handler
 * must call {@link Vl1#received} for the packet unless it drops it.
 */
@FunctionalInterface
public interface VerbHandler {
  /**
   * @return true when done with the packet; false if it cannot be handled until an identity it
   *     refers to is known (the dispatcher keeps it, asks roots with WHOIS, and retries)
   */
  boolean handle(Vl1 vl1, InboundPacket packet);
}
