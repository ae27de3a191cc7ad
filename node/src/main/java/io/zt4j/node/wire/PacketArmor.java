package io.zt4j.node.wire;

import io.zt4j.node.crypto.AesGmacSiv;
import io.zt4j.node.crypto.Poly1305;
import io.zt4j.node.crypto.Salsa20;
import io.zt4j.node.crypto.SymmetricKey;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * Armours (MAC + encrypt) and dearmours (authenticate + decrypt) whole ZeroTier packets in place,
 * with the key two peers share ({@code Packet::armor}/{@code dearmor} in ZeroTier One).
 *
 * <p><b>Suites 0 and 1.</b> The 32-byte Salsa20 key is "mangled" per packet: bytes 0..17 XOR the
 * packet's first 18 bytes (IV, destination, source), byte 18 XOR the flags without hop count,
 * bytes 19/20 XOR the packet length (little-endian). Salsa20/12 under that key with the packet ID as
 * nonce gives the Poly1305 key (first 32 bytes of block 0); suite 1 encrypts the payload from the
 * verb byte on with the stream from block 1. The MAC field is the first 8 bytes of the Poly1305 tag
 * over the (encrypted) bytes from the verb on.
 *
 * <p><b>Suite 3.</b> AES-GMAC-SIV ({@link AesGmacSiv}) with the packet ID as IV, AAD = destination,
 * source and flags without hop count (11 bytes), plaintext = bytes from the verb on; the 16-byte
 * tag replaces packet ID (first half) and MAC field (second half).
 *
 * <p><b>Suite 2</b> (trusted path) does no cryptography; see {@link #armorTrusted} and {@link
 * #acceptTrusted}. Plain {@link #dearmor} refuses it.
 *
 * <p><b>Threads and buffers.</b> One instance per (peer key, thread): it owns a {@link Salsa20},
 * JDK ciphers and scratch arrays, and allocates nothing per packet except, for suite 3, what the
 * JDK's ciphers allocate: 128 bytes per packet over 256 bytes (the JDK's CTR) with {@link
 * AesGmacSiv.GmacEngine#JDK_GHASH}, plus about 0.9 KB and twice the packet (the JDK's GCM) with
 * {@link AesGmacSiv.GmacEngine#JDK_GCM}; {@link AesGmacSiv.GmacEngine#preferred()} is the default.
 * The packet is
 * changed in place; the caller owns the buffer. The immutable {@link SymmetricKey} may be shared
 * by any number of instances.
 */
public final class PacketArmor {
  /** Outcome of {@link #dearmor}. Everything but {@link #OK} means "drop and count". */
  public enum Result {
    OK,
    /** Shorter than a packet header or longer than {@link Packet#MAX_LENGTH}. */
    BAD_LENGTH,
    /** Cipher suite code 4..7. */
    UNKNOWN_CIPHER,
    /** Suite 2 on a path the caller did not declare trusted, or with the wrong trusted-path ID. */
    UNTRUSTED_PATH,
    /** MAC (suites 0, 1) or SIV tag (suite 3) did not authenticate; the payload is garbage. */
    AUTHENTICATION_FAILED
  }

  private static final VarHandle BE64 =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
  private static final byte[] ZERO32 = new byte[32];

  private final SymmetricKey key;
  private final byte[] salsaKey;
  private final Salsa20 salsa = new Salsa20();
  private final byte[] mangled = new byte[32];
  private final byte[] polyKey = new byte[32];
  private final byte[] tag = new byte[16];
  private final byte[] aad = new byte[11];
  private final byte[] nonce = new byte[8];
  private final AesGmacSiv.GmacEngine gmacEngine;
  private AesGmacSiv siv; // created on first use of suite 3

  /** With {@link AesGmacSiv.GmacEngine#preferred()} as GMAC engine for suite 3. */
  public PacketArmor(SymmetricKey key) {
    this(key, AesGmacSiv.GmacEngine.preferred());
  }

  /** With the given GMAC engine for suite 3 (all give identical bytes; see {@link AesGmacSiv}). */
  public PacketArmor(SymmetricKey key, AesGmacSiv.GmacEngine gmacEngine) {
    this.key = Objects.requireNonNull(key, "key");
    this.gmacEngine = Objects.requireNonNull(gmacEngine, "gmacEngine");
    this.salsaKey = key.salsaKey();
  }

  public SymmetricKey key() {
    return key;
  }

  /**
   * Armours the packet {@code buf[off, off+len)} in place with {@code suite} (0, 1 or 3): sets the
   * cipher bits of the flags, then MACs (and encrypts). The header must be complete, including the
   * fragmented flag, and the packet ID must be final (ZeroTier puts a send counter in its low 3
   * bits before armouring). For suite 3 the packet ID afterwards is the first half of the tag.
   */
  public void armor(byte[] buf, int off, int len, CipherSuite suite) {
    Objects.checkFromIndexSize(off, len, buf.length);
    if (len < Packet.MIN_LENGTH || len > Packet.MAX_LENGTH) {
      throw new IllegalArgumentException("packet length " + len);
    }
    if (suite == CipherSuite.TRUSTED_PATH) {
      throw new IllegalArgumentException("use armorTrusted for " + suite);
    }
    Packet.setCipher(buf, off, suite);
    switch (suite) {
      case POLY1305_NONE:
      case POLY1305_SALSA2012:
        salsaInit(buf, off, len);
        if (suite == CipherSuite.POLY1305_SALSA2012) {
          salsa.crypt12(buf, off + Packet.IDX_VERB, buf, off + Packet.IDX_VERB, len - Packet.IDX_VERB);
        }
        Poly1305.mac(polyKey, 0, buf, off + Packet.IDX_VERB, len - Packet.IDX_VERB, tag, 0);
        System.arraycopy(tag, 0, buf, off + Packet.IDX_MAC, 8);
        break;
      case AES_GMAC_SIV:
        fillAad(buf, off);
        siv().encrypt((long) BE64.get(buf, off), aad, 0, 11,
            buf, off + Packet.IDX_VERB, len - Packet.IDX_VERB, tag, 0);
        System.arraycopy(tag, 0, buf, off + Packet.IDX_IV, 8);
        System.arraycopy(tag, 8, buf, off + Packet.IDX_MAC, 8);
        break;
      default:
        throw new IllegalArgumentException("use armorTrusted for " + suite);
    }
  }

  /**
   * Authenticates and decrypts the packet {@code buf[off, off+len)} in place (a whole, reassembled
   * packet). On {@link Result#OK} the bytes from the verb on are plaintext (still compressed if
   * the verb's compressed flag is set). On any other result the packet must be dropped; its payload
   * may have been overwritten. Never throws for bad bytes.
   */
  public Result dearmor(byte[] buf, int off, int len) {
    if (buf == null || off < 0 || len < Packet.MIN_LENGTH || len > Packet.MAX_LENGTH
        || off > buf.length - len) {
      return Result.BAD_LENGTH;
    }
    int code = ((buf[off + Packet.IDX_FLAGS] & 0xff) >>> 3) & 7;
    switch (code) {
      case 0:
      case 1: {
        salsaInit(buf, off, len);
        Poly1305.mac(polyKey, 0, buf, off + Packet.IDX_VERB, len - Packet.IDX_VERB, tag, 0);
        long diff = (long) BE64.get(tag, 0) ^ (long) BE64.get(buf, off + Packet.IDX_MAC);
        if (diff != 0) {
          return Result.AUTHENTICATION_FAILED;
        }
        if (code == 1) {
          salsa.crypt12(buf, off + Packet.IDX_VERB, buf, off + Packet.IDX_VERB, len - Packet.IDX_VERB);
        }
        return Result.OK;
      }
      case 3: {
        System.arraycopy(buf, off + Packet.IDX_IV, tag, 0, 8);
        System.arraycopy(buf, off + Packet.IDX_MAC, tag, 8, 8);
        fillAad(buf, off);
        boolean ok = siv().decrypt(tag, 0, aad, 0, 11,
            buf, off + Packet.IDX_VERB, len - Packet.IDX_VERB);
        return ok ? Result.OK : Result.AUTHENTICATION_FAILED;
      }
      case 2:
        return Result.UNTRUSTED_PATH;
      default:
        return Result.UNKNOWN_CIPHER;
    }
  }

  /**
   * The IV the last suite-3 {@link #dearmor} recovered from the tag: the packet ID the sender had
   * before armouring. Armouring the decrypted packet again with this as packet ID reproduces the
   * received bytes.
   */
  public long lastSivIv() {
    return siv == null ? 0 : siv.lastDecryptedIv();
  }

  /**
   * HELLO's {@code cryptField}: Salsa20/12 over {@code buf[off+start, +length)} with the raw
   * 32-byte Salsa20 key (not mangled) and the packet ID with its low 3 bits cleared as nonce.
   * The same call encrypts and decrypts. ZeroTier applies it to the part of HELLO after the
   * planet/moon timestamps, before armouring with suite 0.
   */
  public void cryptField(byte[] buf, int off, int start, int length) {
    Objects.checkFromIndexSize(off + start, length, buf.length);
    System.arraycopy(buf, off, nonce, 0, 8);
    nonce[7] &= (byte) 0xf8;
    salsa.init(salsaKey, 0, nonce, 0);
    salsa.crypt12(buf, off + start, buf, off + start, length);
  }

  /** Marks a packet as suite 2 (trusted path, no crypto) carrying {@code trustedPathId}. */
  public static void armorTrusted(byte[] buf, int off, int len, long trustedPathId) {
    Objects.checkFromIndexSize(off, len, buf.length);
    if (len < Packet.MIN_LENGTH) {
      throw new IllegalArgumentException("packet length " + len);
    }
    Packet.setCipher(buf, off, CipherSuite.TRUSTED_PATH);
    BE64.set(buf, off + Packet.IDX_MAC, trustedPathId);
  }

  /**
   * Accepts a suite-2 packet only if the caller has configured the path it arrived on as trusted
   * with {@code configuredTrustedPathId} (non-zero) and the packet carries that ID. Never throws.
   */
  public static Result acceptTrusted(byte[] buf, int off, int len, long configuredTrustedPathId) {
    if (buf == null || off < 0 || len < Packet.MIN_LENGTH || len > Packet.MAX_LENGTH
        || off > buf.length - len) {
      return Result.BAD_LENGTH;
    }
    if ((((buf[off + Packet.IDX_FLAGS] & 0xff) >>> 3) & 7) != CipherSuite.TRUSTED_PATH.code
        || configuredTrustedPathId == 0
        || (long) BE64.get(buf, off + Packet.IDX_MAC) != configuredTrustedPathId) {
      return Result.UNTRUSTED_PATH;
    }
    return Result.OK;
  }

  private AesGmacSiv siv() {
    if (siv == null) {
      siv = new AesGmacSiv(key, gmacEngine);
    }
    return siv;
  }

  private void fillAad(byte[] buf, int off) {
    System.arraycopy(buf, off + Packet.IDX_DEST, aad, 0, 11);
    aad[10] &= (byte) 0xf8; // hop count is changed by relays and not authenticated
  }

  /** Mangles the key for this packet, keys Salsa20/12 and takes the Poly1305 key from block 0. */
  private void salsaInit(byte[] buf, int off, int len) {
    byte[] k = salsaKey;
    byte[] m = mangled;
    for (int i = 0; i < 18; i++) {
      m[i] = (byte) (k[i] ^ buf[off + i]);
    }
    m[18] = (byte) (k[18] ^ (buf[off + Packet.IDX_FLAGS] & 0xf8));
    m[19] = (byte) (k[19] ^ len);
    m[20] = (byte) (k[20] ^ (len >>> 8));
    System.arraycopy(k, 21, m, 21, 11);
    salsa.init(m, 0, buf, off + Packet.IDX_IV);
    salsa.crypt12(ZERO32, 0, polyKey, 0, 32);
  }
}
