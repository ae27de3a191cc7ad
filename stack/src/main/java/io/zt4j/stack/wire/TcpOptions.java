package io.zt4j.stack.wire;

/**
 * The TCP options zt4j understands, parsed from or written to a header's option bytes, as one
 * mutable holder reused for every segment (no allocation on the data path).
 *
 * <pre>
 *  kind len  body                                         RFC
 *  0    -    end of option list                           9293 §3.2
 *  1    -    no-operation (padding)                       9293 §3.2
 *  2    4    MSS: u16                                     9293 §3.7.1
 *  3    3    window scale: shift count u8 (max 14)        7323 §2
 *  4    2    SACK permitted                               2018 §2
 *  5    2+8n SACK: n × (left edge u32, right edge u32)    2018 §3
 *  8    10   timestamps: TSval u32, TSecr u32             7323 §3
 * </pre>
 *
 * Unknown kinds are skipped by their length. A known kind with the wrong length is ignored (as
 * Linux does). A length below 2 or past the end of the options makes the whole header
 * {@link #MALFORMED}: the caller drops the segment and counts it.
 */
public final class TcpOptions {
  public static final int KIND_EOL = 0;
  public static final int KIND_NOP = 1;
  public static final int KIND_MSS = 2;
  public static final int KIND_WSCALE = 3;
  public static final int KIND_SACK_PERMITTED = 4;
  public static final int KIND_SACK = 5;
  public static final int KIND_TIMESTAMPS = 8;

  /** RFC 7323 §2.3: shift counts above 14 are treated as 14. */
  public static final int MAX_WSCALE = 14;
  /** At most four SACK blocks fit in 40 option bytes (three beside timestamps). */
  public static final int MAX_SACK_BLOCKS = 4;

  /** {@link #parse} result: options understood (or safely skipped). */
  public static final int OK = 0;
  /** {@link #parse} result: an option length is below 2 or runs past the header. */
  public static final int MALFORMED = 1;

  /** MSS option value, or -1 when absent. */
  public int mss = -1;
  /** Window-scale shift count (clamped to 14), or -1 when absent. */
  public int wscale = -1;
  public boolean sackPermitted;
  public boolean hasTimestamps;
  public int tsVal;
  public int tsEcr;
  /** Number of SACK blocks in {@link #sackLeft}/{@link #sackRight}. */
  public int sackCount;
  public final int[] sackLeft = new int[MAX_SACK_BLOCKS];
  public final int[] sackRight = new int[MAX_SACK_BLOCKS];

  /** Clears every field. */
  public TcpOptions clear() {
    mss = -1;
    wscale = -1;
    sackPermitted = false;
    hasTimestamps = false;
    tsVal = 0;
    tsEcr = 0;
    sackCount = 0;
    return this;
  }

  /** Parses the options of a wrapped header; see {@link #parse(byte[], int, int)}. */
  public int parse(TcpHeader h) {
    return parse(h.buffer(), h.optionsOffset(), h.optionsLength());
  }

  /** Clears this holder and parses {@code buf[off, off+len)}. Returns {@link #OK} or {@link #MALFORMED}. */
  public int parse(byte[] buf, int off, int len) {
    clear();
    int i = off;
    int end = off + len;
    while (i < end) {
      int kind = buf[i] & 0xFF;
      if (kind == KIND_EOL) {
        return OK;
      }
      if (kind == KIND_NOP) {
        i++;
        continue;
      }
      if (end - i < 2) {
        return MALFORMED;
      }
      int olen = buf[i + 1] & 0xFF;
      if (olen < 2 || olen > end - i) {
        return MALFORMED;
      }
      switch (kind) {
        case KIND_MSS:
          if (olen == 4) {
            mss = u16(buf, i + 2);
          }
          break;
        case KIND_WSCALE:
          if (olen == 3) {
            wscale = Math.min(buf[i + 2] & 0xFF, MAX_WSCALE);
          }
          break;
        case KIND_SACK_PERMITTED:
          if (olen == 2) {
            sackPermitted = true;
          }
          break;
        case KIND_SACK:
          if (olen >= 10 && (olen - 2) % 8 == 0) {
            int n = Math.min((olen - 2) / 8, MAX_SACK_BLOCKS);
            for (int b = 0; b < n; b++) {
              sackLeft[b] = i32(buf, i + 2 + 8 * b);
              sackRight[b] = i32(buf, i + 6 + 8 * b);
            }
            sackCount = n;
          }
          break;
        case KIND_TIMESTAMPS:
          if (olen == 10) {
            hasTimestamps = true;
            tsVal = i32(buf, i + 2);
            tsEcr = i32(buf, i + 6);
          }
          break;
        default:
          break; // unknown kind: skipped by its length (RFC 9293 §3.2, MUST-6)
      }
      i += olen;
    }
    return OK;
  }

  /**
   * Bytes {@link #write} will produce for the fields set (already padded to a multiple of 4).
   * SACK blocks beyond what fits in 40 bytes are not counted and not written.
   */
  public int encodedLength() {
    int n = 0;
    if (mss >= 0) {
      n += 4;
    }
    if (hasTimestamps) {
      n += 12; // NOP NOP TS, or SACK-permitted + TS on a SYN
    } else if (sackPermitted) {
      n += 4; // NOP NOP SACK-permitted
    }
    if (wscale >= 0) {
      n += 4; // NOP WS
    }
    if (sackCount > 0) {
      int blocks = Math.min(sackCount, (40 - n - 4) / 8);
      if (blocks > 0) {
        n += 4 + 8 * blocks;
      }
    }
    return n;
  }

  /**
   * Writes the fields that are set, in the layout Linux uses (4-byte aligned, NOP padded):
   * MSS; SACK-permitted + timestamps (or NOP NOP timestamps, or NOP NOP SACK-permitted); NOP +
   * window scale; NOP NOP + SACK blocks (as many as fit in 40 bytes). Returns the bytes written,
   * always {@link #encodedLength()}.
   */
  public int write(byte[] buf, int off) {
    int i = off;
    if (mss >= 0) {
      buf[i++] = KIND_MSS;
      buf[i++] = 4;
      buf[i++] = (byte) (mss >>> 8);
      buf[i++] = (byte) mss;
    }
    if (hasTimestamps) {
      if (sackPermitted) {
        buf[i++] = KIND_SACK_PERMITTED;
        buf[i++] = 2;
      } else {
        buf[i++] = KIND_NOP;
        buf[i++] = KIND_NOP;
      }
      buf[i++] = KIND_TIMESTAMPS;
      buf[i++] = 10;
      put32(buf, i, tsVal);
      put32(buf, i + 4, tsEcr);
      i += 8;
    } else if (sackPermitted) {
      buf[i++] = KIND_NOP;
      buf[i++] = KIND_NOP;
      buf[i++] = KIND_SACK_PERMITTED;
      buf[i++] = 2;
    }
    if (wscale >= 0) {
      buf[i++] = KIND_NOP;
      buf[i++] = KIND_WSCALE;
      buf[i++] = 3;
      buf[i++] = (byte) wscale;
    }
    if (sackCount > 0) {
      int blocks = Math.min(sackCount, (40 - (i - off) - 4) / 8);
      if (blocks > 0) {
        buf[i++] = KIND_NOP;
        buf[i++] = KIND_NOP;
        buf[i++] = KIND_SACK;
        buf[i++] = (byte) (2 + 8 * blocks);
        for (int b = 0; b < blocks; b++) {
          put32(buf, i, sackLeft[b]);
          put32(buf, i + 4, sackRight[b]);
          i += 8;
        }
      }
    }
    return i - off;
  }

  private static int u16(byte[] b, int p) {
    return ((b[p] & 0xFF) << 8) | (b[p + 1] & 0xFF);
  }

  private static int i32(byte[] b, int p) {
    return ((b[p] & 0xFF) << 24) | ((b[p + 1] & 0xFF) << 16) | ((b[p + 2] & 0xFF) << 8) | (b[p + 3] & 0xFF);
  }

  private static void put32(byte[] b, int p, int v) {
    b[p] = (byte) (v >>> 24);
    b[p + 1] = (byte) (v >>> 16);
    b[p + 2] = (byte) (v >>> 8);
    b[p + 3] = (byte) v;
  }
}
