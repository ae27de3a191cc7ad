package io.zt4j.node.vl1;

/**
 * A received ZeroTier packet being handled: authenticated, decrypted and decompressed in
 * {@link #data()} ({@code [0, size)}), with the path it came over and the peer it came from.
 * Verb handlers read the payload with {@link #payload()}.
 *
 * <p>Lives for one dispatch; the buffer is owned by the dispatcher (copy what you keep).
 */
public final class InboundPacket {
  private final Path path;
  private final byte[] data;
  private final int size;
  private final Peer peer;
  private final long receivedAt;

  InboundPacket(Path path, byte[] data, int size, Peer peer, long receivedAt) {
    this.path = path;
    this.data = data;
    this.size = size;
    this.peer = peer;
    this.receivedAt = receivedAt;
  }

  /** The path the packet arrived on. */
  public Path path() {
    return path;
  }

  /** The authenticated sender (null only for an unauthenticated HELLO being checked). */
  public Peer peer() {
    return peer;
  }

  public byte[] data() {
    return data;
  }

  public int size() {
    return size;
  }

  public long receivedAt() {
    return receivedAt;
  }

  /** Packet id (the IV field as received). */
  public long packetId() {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (data[i] & 0xFF);
    }
    return v;
  }

  public long source() {
    return io.zt4j.node.identity.Address.toLong(data, PacketBuilder.IDX_SOURCE);
  }

  public long destination() {
    return io.zt4j.node.identity.Address.toLong(data, PacketBuilder.IDX_DEST);
  }

  public int hops() {
    return data[PacketBuilder.IDX_FLAGS] & 0x07;
  }

  public int cipherSuite() {
    return (data[PacketBuilder.IDX_FLAGS] >> 3) & 0x07;
  }

  public int verb() {
    return data[PacketBuilder.IDX_VERB] & 0x1f;
  }

  /** Payload length (after the verb byte). */
  public int payloadLength() {
    return size - PacketBuilder.IDX_PAYLOAD;
  }

  /** A reader over the payload (everything after the verb byte). */
  public PayloadReader payload() {
    return new PayloadReader(data, PacketBuilder.IDX_PAYLOAD, size - PacketBuilder.IDX_PAYLOAD);
  }
}
