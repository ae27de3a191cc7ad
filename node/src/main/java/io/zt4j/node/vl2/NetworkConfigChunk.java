package io.zt4j.node.vl2;

import io.zt4j.node.identity.Identity;
import io.zt4j.node.wire.DropReason;
import io.zt4j.node.wire.Parsed;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One signed chunk of a network config as a controller sends it: the payload of NETWORK_CONFIG
 * (after the verb) and of OK(NETWORK_CONFIG_REQUEST) (after the in-re verb and packet ID).
 *
 * <pre>
 *  network id u64 | chunk length u16 | chunk (bytes of the config dictionary)
 *  flags u8 (0) | config update id u64 | total config length u32 | index of this chunk's first byte u32
 *  signature type u8 (1 = Ed25519) | signature length u16 (96) | signature
 * </pre>
 *
 * The signature covers everything from the network id to the chunk index. A config is cut into
 * chunks of at most {@link #MAX_CHUNK} bytes, all carrying the same random update id. Immutable.
 */
public record NetworkConfigChunk(long networkId, byte[] data, int flags, long updateId, int totalLength,
    int chunkIndex, byte[] signature) {

  /**
   * Largest chunk, ZeroTier's {@code ZT_PROTO_MAX_PACKET_LENGTH - (ZT_PACKET_IDX_PAYLOAD + 256)}:
   * 7 fragments × 1432 bytes less the packet header and room for the rest of the payload.
   */
  public static final int MAX_CHUNK = 7 * 1432 - (28 + 256);

  public NetworkConfigChunk {
    data = data.clone();
    signature = signature.clone();
  }

  @Override
  public byte[] data() {
    return data.clone();
  }

  @Override
  public byte[] signature() {
    return signature.clone();
  }

  /**
   * Cuts {@code config} (a serialized config dictionary) into signed chunks.
   *
   * @param updateId the config update id (random, non-zero)
   * @param signer the controller's identity with its private key
   */
  public static List<NetworkConfigChunk> split(long networkId, byte[] config, long updateId, Identity signer) {
    if (updateId == 0) {
      throw new IllegalArgumentException("the update id must not be 0");
    }
    List<NetworkConfigChunk> out = new ArrayList<>();
    for (int at = 0; at < config.length; ) {
      int len = Math.min(config.length - at, MAX_CHUNK);
      byte[] data = Arrays.copyOfRange(config, at, at + len);
      byte[] signed = signedPart(networkId, data, 0, updateId, config.length, at);
      out.add(new NetworkConfigChunk(networkId, data, 0, updateId, config.length, at, signer.sign(signed)));
      at += len;
    }
    return out;
  }

  /** The payload bytes. */
  public byte[] serialize() {
    byte[] signed = signedPart(networkId, data, flags, updateId, totalLength, chunkIndex);
    return new WireWriter(signed.length + 3 + signature.length)
        .bytes(signed).u8(1).u16(signature.length).bytes(signature).toByteArray();
  }

  /** True if {@code controller} signed this chunk. */
  public boolean verify(Identity controller) {
    byte[] m = signedPart(networkId, data, flags, updateId, totalLength, chunkIndex);
    return signature.length == 96 && controller.verify(m, 0, m.length, signature, 0, signature.length);
  }

  /** Parses a chunk payload from {@code buf[off, off+len)}; the result's length is the bytes used. */
  public static Parsed<NetworkConfigChunk> parse(byte[] buf, int off, int len) {
    if (off < 0 || len < 0 || off > buf.length - len) {
      return Parsed.dropped(DropReason.MALFORMED, "config chunk: range outside the buffer");
    }
    try {
      WireReader r = new WireReader(buf, off, len);
      long nwid = r.u64("network id");
      int chunkLen = r.u16("chunk length");
      byte[] data = r.bytes(chunkLen, "chunk");
      int flags = r.u8("flags");
      long updateId = r.u64("update id");
      long total = r.u32("total length");
      long index = r.u32("chunk index");
      int sigType = r.u8("signature type");
      int sigLen = r.u16("signature length");
      if (sigType != 1 || sigLen != 96) {
        throw WireReader.refuse(DropReason.MALFORMED, "config chunk: signature type " + sigType + " length " + sigLen);
      }
      byte[] sig = r.bytes(sigLen, "signature");
      if (total > Integer.MAX_VALUE || index > total || chunkLen > total - index) {
        throw WireReader.refuse(DropReason.MALFORMED, "config chunk: index/length outside the config");
      }
      return Parsed.ok(new NetworkConfigChunk(nwid, data, flags, updateId, (int) total, (int) index, sig), r.consumed());
    } catch (WireReader.Refused e) {
      return Parsed.dropped(e.reason(), e.getMessage());
    }
  }

  private static byte[] signedPart(long nwid, byte[] data, int flags, long updateId, int total, int index) {
    return new WireWriter(8 + 2 + data.length + 17).u64(nwid).u16(data.length).bytes(data)
        .u8(flags).u64(updateId).u32(total & 0xffffffffL).u32(index & 0xffffffffL).toByteArray();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NetworkConfigChunk c && Arrays.equals(c.serialize(), serialize());
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(serialize());
  }
}
