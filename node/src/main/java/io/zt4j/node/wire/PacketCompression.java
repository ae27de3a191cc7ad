package io.zt4j.node.wire;

import java.util.Objects;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * LZ4 (block format) compression of a packet's payload, with ZeroTier's rules ({@code
 * Packet::compress}/{@code uncompress}).
 *
 * <ul>
 *   <li>Only the payload after the verb byte is compressed; the verb byte gets flag {@code 0x80}.
 *   <li>A packet is compressed only if its payload is over 64 bytes and the compressed form is
 *       strictly shorter; otherwise it is sent as is (flag cleared).
 *   <li>Compression happens before armouring, decompression after dearmouring.
 *   <li>Decompression is bounded: the payload may grow to at most {@link Packet#MAX_LENGTH} − 28
 *       bytes (and never beyond the caller's buffer); anything else is refused.
 * </ul>
 *
 * ZeroTier One compresses control traffic (network configs, credentials, multicast likes…), not
 * FRAMEs. Uses lz4-java's pure-Java safe codec (bounds-checked, no native code).
 *
 * <p>Not thread-safe (scratch buffers): one instance per thread. Works in place on the caller's
 * buffer.
 */
public final class PacketCompression {
  /** Payloads of at most this many bytes are never compressed. */
  public static final int MIN_COMPRESSIBLE_PAYLOAD = 65;
  /** Largest decompressed payload. */
  public static final int MAX_PAYLOAD = Packet.MAX_LENGTH - Packet.IDX_PAYLOAD;

  private static final LZ4Factory LZ4 = LZ4Factory.safeInstance();

  private final LZ4Compressor compressor = LZ4.fastCompressor();
  private final LZ4SafeDecompressor decompressor = LZ4.safeDecompressor();
  private final byte[] scratch = new byte[compressor.maxCompressedLength(Packet.MAX_LENGTH)];

  /**
   * Compresses the payload of the (plaintext) packet {@code buf[off, off+len)} in place if that
   * helps, per ZeroTier's rule, and returns the packet's new length (≤ {@code len}).
   */
  public int compress(byte[] buf, int off, int len) {
    Objects.checkFromIndexSize(off, len, buf.length);
    if (len < Packet.MIN_LENGTH || len > Packet.MAX_LENGTH) {
      throw new IllegalArgumentException("packet length " + len);
    }
    int verbAt = off + Packet.IDX_VERB;
    if ((buf[verbAt] & Packet.VERB_FLAG_COMPRESSED) == 0
        && len - Packet.IDX_PAYLOAD >= MIN_COMPRESSIBLE_PAYLOAD) {
      int pl = len - Packet.IDX_PAYLOAD;
      int cl = compressor.compress(buf, off + Packet.IDX_PAYLOAD, pl, scratch, 0, scratch.length);
      if (cl > 0 && cl < pl) {
        buf[verbAt] |= (byte) Packet.VERB_FLAG_COMPRESSED;
        System.arraycopy(scratch, 0, buf, off + Packet.IDX_PAYLOAD, cl);
        return Packet.IDX_PAYLOAD + cl;
      }
      return len;
    }
    if ((buf[verbAt] & Packet.VERB_FLAG_COMPRESSED) == 0) {
      return len;
    }
    throw new IllegalArgumentException("packet is already compressed");
  }

  /**
   * Decompresses the payload of the dearmoured packet {@code buf[off, off+len)} in place if its
   * verb carries the compressed flag, clearing the flag. Returns the packet's new length, {@code
   * len} unchanged if it was not compressed, or −1 if the payload is not valid LZ4 or would
   * decompress beyond {@link #MAX_PAYLOAD} or beyond the end of {@code buf} (drop the packet).
   * Never throws for bad bytes.
   */
  public int decompress(byte[] buf, int off, int len) {
    if (buf == null || off < 0 || len < Packet.MIN_LENGTH || off > buf.length - len) {
      return -1;
    }
    int verbAt = off + Packet.IDX_VERB;
    if ((buf[verbAt] & Packet.VERB_FLAG_COMPRESSED) == 0) {
      return len;
    }
    int cl = len - Packet.IDX_PAYLOAD;
    if (cl > 0) {
      int room = Math.min(MAX_PAYLOAD, buf.length - off - Packet.IDX_PAYLOAD);
      int ul;
      try {
        ul = decompressor.decompress(buf, off + Packet.IDX_PAYLOAD, cl, scratch, 0, room);
      } catch (RuntimeException e) { // LZ4Exception: malformed input or output bound exceeded
        return -1;
      }
      if (ul <= 0 || ul > room) {
        return -1;
      }
      System.arraycopy(scratch, 0, buf, off + Packet.IDX_PAYLOAD, ul);
      len = Packet.IDX_PAYLOAD + ul;
    }
    buf[verbAt] &= (byte) ~Packet.VERB_FLAG_COMPRESSED;
    return len;
  }
}
