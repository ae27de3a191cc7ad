package io.zt4j.stack.link;

/**
 * Where an interface's outgoing Ethernet frames go: the runtime's virtual tap, a test link, the
 * kernel TAP harness. Called on the stack's owner thread.
 *
 * <h2>Buffer contract</h2>
 *
 * {@link #transmit} receives a complete Ethernet frame (no FCS) in {@code buf[off, off+len)}.
 * The stack guarantees {@code off >= headroom()} and {@code buf.length >= off + len + tailroom()},
 * and the device may overwrite {@code buf[off - headroom(), off + len + tailroom())} — e.g. to
 * prepend its own header in place without copying the frame. The call is synchronous: after it
 * returns the stack reuses {@code buf}, so a device that queues must copy.
 *
 * <p>A device must not call back into any stack from {@code transmit} (deliver later, from the
 * driver's loop); the stack is not re-entrant.
 */
public interface LinkDevice {
  /** Bytes the device may use in front of each frame (at most the stack's configured headroom). */
  default int headroom() {
    return 0;
  }

  /** Bytes the device may use after each frame (at most the stack's configured tailroom). */
  default int tailroom() {
    return 0;
  }

  void transmit(byte[] buf, int off, int len);
}
