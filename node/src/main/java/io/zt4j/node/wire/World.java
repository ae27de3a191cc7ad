package io.zt4j.node.wire;

import io.zt4j.node.crypto.C25519;
import io.zt4j.node.identity.Identity;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * A ZeroTier world: a planet (the root set every node uses) or a moon (extra roots a node
 * orbits). Signed by a key named in the previous revision, so a world can only be replaced by
 * its owner.
 *
 * <pre>
 *  serialized form (World::serialize), all integers big-endian
 *  +--------+---------+----------------+-----------------------+----------------+
 *  | type 1 | id u64  | timestamp u64  | updatesMustBeSignedBy | signature (96) |
 *  |        |         | (ms, revision) | C25519 public (64)    |                |
 *  +--------+---------+----------------+-----------------------+----------------+
 *  | root count u8 (&lt;= 4)                                                         |
 *  |   per root: identity (71, public binary form) | endpoint count u8 (&lt;= 32)    |
 *  |             endpoints: serialized {@link InetAddress} each                    |
 *  | moons only: u16 length of an attached dictionary, then that many bytes       |
 *  |             (always 0 when ZeroTier writes; skipped when it reads)           |
 *  +-------------------------------------------------------------------------------+
 *  type: 0 null, 1 planet, 127 moon.
 *
 *  signed message (serialize(forSign=true)): 7f x 8 | the form above without the
 *  signature | f7 x 8
 * </pre>
 *
 * <p>Update rule ({@link #shouldBeReplacedBy}): a world is replaced only by one with the same id
 * and type and a strictly greater timestamp, signed by the current world's
 * {@link #updatesMustBeSignedBy()} key; a null world is replaced by anything. Immutable and
 * thread-safe.
 */
public final class World {

  /** World type byte. */
  public enum Type {
    NULL(0),
    PLANET(1),
    MOON(127);

    public final int code;

    Type(int code) {
      this.code = code;
    }

    static Type of(int code) {
      for (Type t : values()) {
        if (t.code == code) {
          return t;
        }
      }
      return null;
    }
  }

  /** A root server: its identity and the endpoints where it can always be reached. */
  public record Root(Identity identity, List<InetAddress> stableEndpoints) {
    public Root {
      Objects.requireNonNull(identity, "identity");
      stableEndpoints = List.copyOf(stableEndpoints);
      if (stableEndpoints.size() > MAX_STABLE_ENDPOINTS_PER_ROOT) {
        throw new IllegalArgumentException("more than " + MAX_STABLE_ENDPOINTS_PER_ROOT + " stable endpoints");
      }
    }
  }

  /** ZeroTier's limit on roots per world ({@code ZT_WORLD_MAX_ROOTS}). */
  public static final int MAX_ROOTS = 4;
  /** ZeroTier's limit on endpoints per root ({@code ZT_WORLD_MAX_STABLE_ENDPOINTS_PER_ROOT}). */
  public static final int MAX_STABLE_ENDPOINTS_PER_ROOT = 32;
  /** Upper bound of a serialized world ({@code ZT_WORLD_MAX_SERIALIZED_LENGTH}). */
  public static final int MAX_SERIALIZED_LENGTH =
      ((1024 + 32 * MAX_STABLE_ENDPOINTS_PER_ROOT) * MAX_ROOTS) + C25519.PUBLIC_KEY_LENGTH + C25519.SIGNATURE_LENGTH + 128;

  /** The id of ZeroTier's public planet ("Earth"). */
  public static final long ID_EARTH = 149604618L;

  private static final long SIGN_PREFIX = 0x7f7f7f7f7f7f7f7fL;
  private static final long SIGN_SUFFIX = 0xf7f7f7f7f7f7f7f7L;
  private static final int HEADER = 1 + 8 + 8 + C25519.PUBLIC_KEY_LENGTH;

  private final Type type;
  private final long id;
  private final long timestamp;
  private final byte[] updatesMustBeSignedBy;
  private final byte[] signature;
  private final List<Root> roots;

  private World(Type type, long id, long timestamp, byte[] updatesMustBeSignedBy, byte[] signature, List<Root> roots) {
    this.type = type;
    this.id = id;
    this.timestamp = timestamp;
    this.updatesMustBeSignedBy = updatesMustBeSignedBy;
    this.signature = signature;
    this.roots = List.copyOf(roots);
  }

  /**
   * Builds and signs a world (World::make, what mkworld and genmoon do).
   *
   * @param updatesMustBeSignedBy public key (64) that must sign the next revision
   * @param signingKeyPrivate private key (64) signing this revision: the key named by the
   *     previous revision (the same key pair for a first, self-signed world)
   */
  public static World make(Type type, long id, long timestamp, byte[] updatesMustBeSignedBy, List<Root> roots,
      byte[] signingKeyPrivate) {
    Objects.requireNonNull(type, "type");
    if (updatesMustBeSignedBy.length != C25519.PUBLIC_KEY_LENGTH) {
      throw new IllegalArgumentException("updatesMustBeSignedBy must be 64 bytes");
    }
    if (roots.size() > MAX_ROOTS) {
      throw new IllegalArgumentException("more than " + MAX_ROOTS + " roots");
    }
    World unsigned = new World(type, id, timestamp, updatesMustBeSignedBy.clone(),
        new byte[C25519.SIGNATURE_LENGTH], roots);
    byte[] msg = unsigned.signedMessage();
    byte[] sig = C25519.sign(signingKeyPrivate, msg, 0, msg.length);
    return new World(type, id, timestamp, unsigned.updatesMustBeSignedBy, sig, unsigned.roots);
  }

  public Type type() {
    return type;
  }

  public long id() {
    return id;
  }

  /** Revision timestamp (ms since the epoch by convention). */
  public long timestamp() {
    return timestamp;
  }

  /** Public key (64) that must sign the next revision. */
  public byte[] updatesMustBeSignedBy() {
    return updatesMustBeSignedBy.clone();
  }

  /** The 96-byte C25519 signature. */
  public byte[] signature() {
    return signature.clone();
  }

  public List<Root> roots() {
    return roots;
  }

  // ---------------------------------------------------------------------------------------------
  // Parsing

  /** Parses a world from {@code buf[off, off+len)}; the result's length is the bytes used. */
  public static Parsed<World> parse(byte[] buf, int off, int len) {
    if (off < 0 || len < 0 || off + len > buf.length) {
      return Parsed.dropped(DropReason.MALFORMED, "World: range outside the buffer");
    }
    int end = off + len;
    int p = off;
    if (end - p < HEADER + C25519.SIGNATURE_LENGTH + 1) {
      return Parsed.dropped(DropReason.TRUNCATED, "World: header needs "
          + (HEADER + C25519.SIGNATURE_LENGTH + 1) + " bytes, have " + len);
    }
    Type type = Type.of(buf[p++] & 0xFF);
    if (type == null) {
      return Parsed.dropped(DropReason.UNKNOWN_TYPE, "World: unknown type " + (buf[off] & 0xFF));
    }
    long id = u64(buf, p);
    p += 8;
    long ts = u64(buf, p);
    p += 8;
    byte[] pub = Arrays.copyOfRange(buf, p, p + C25519.PUBLIC_KEY_LENGTH);
    p += C25519.PUBLIC_KEY_LENGTH;
    byte[] sig = Arrays.copyOfRange(buf, p, p + C25519.SIGNATURE_LENGTH);
    p += C25519.SIGNATURE_LENGTH;
    int rootCount = buf[p++] & 0xFF;
    if (rootCount > MAX_ROOTS) {
      return Parsed.dropped(DropReason.TOO_MANY, "World: " + rootCount + " roots, at most " + MAX_ROOTS);
    }
    List<Root> roots = new ArrayList<>(rootCount);
    for (int r = 0; r < rootCount; r++) {
      var decoded = Identity.deserialize(buf, p, end - p);
      if (decoded.isEmpty()) {
        return Parsed.dropped(end - p < Identity.SERIALIZED_PUBLIC_LENGTH ? DropReason.TRUNCATED : DropReason.MALFORMED,
            "World: root " + r + " identity unreadable");
      }
      p += decoded.get().length();
      if (p >= end) {
        return Parsed.dropped(DropReason.TRUNCATED, "World: root " + r + " endpoint count missing");
      }
      int epCount = buf[p++] & 0xFF;
      if (epCount > MAX_STABLE_ENDPOINTS_PER_ROOT) {
        return Parsed.dropped(DropReason.TOO_MANY,
            "World: root " + r + " has " + epCount + " endpoints, at most " + MAX_STABLE_ENDPOINTS_PER_ROOT);
      }
      List<InetAddress> eps = new ArrayList<>(epCount);
      for (int e = 0; e < epCount; e++) {
        Parsed<InetAddress> a = InetAddress.parse(buf, p, end - p);
        if (!a.isOk()) {
          return a.asDropped();
        }
        eps.add(a.value());
        p += a.length();
      }
      roots.add(new Root(decoded.get().identity(), eps));
    }
    if (type == Type.MOON) {
      if (end - p < 2) {
        return Parsed.dropped(DropReason.TRUNCATED, "World: moon dictionary length missing");
      }
      int dictLen = ((buf[p] & 0xFF) << 8) | (buf[p + 1] & 0xFF);
      p += 2;
      if (end - p < dictLen) {
        return Parsed.dropped(DropReason.TRUNCATED, "World: moon dictionary truncated");
      }
      p += dictLen;
    }
    return Parsed.ok(new World(type, id, ts, pub, sig, roots), p - off);
  }

  /** {@link #parse(byte[], int, int)} of a whole array (trailing bytes are ignored, as by ZeroTier). */
  public static Parsed<World> parse(byte[] bytes) {
    return parse(bytes, 0, bytes.length);
  }

  // ---------------------------------------------------------------------------------------------
  // Writing

  /** The serialized world (planet/moon file contents, wire form). */
  public byte[] serialize() {
    return write(false);
  }

  /** The message the signature covers (serialize(forSign=true)). */
  public byte[] signedMessage() {
    return write(true);
  }

  private byte[] write(boolean forSign) {
    int n = (forSign ? 16 : C25519.SIGNATURE_LENGTH) + HEADER + 1 + (type == Type.MOON ? 2 : 0);
    for (Root r : roots) {
      n += Identity.SERIALIZED_PUBLIC_LENGTH + 1;
      for (InetAddress a : r.stableEndpoints()) {
        n += a.serializedLength();
      }
    }
    byte[] b = new byte[n];
    int p = 0;
    if (forSign) {
      p = putU64(b, p, SIGN_PREFIX);
    }
    b[p++] = (byte) type.code;
    p = putU64(b, p, id);
    p = putU64(b, p, timestamp);
    System.arraycopy(updatesMustBeSignedBy, 0, b, p, C25519.PUBLIC_KEY_LENGTH);
    p += C25519.PUBLIC_KEY_LENGTH;
    if (!forSign) {
      System.arraycopy(signature, 0, b, p, C25519.SIGNATURE_LENGTH);
      p += C25519.SIGNATURE_LENGTH;
    }
    b[p++] = (byte) roots.size();
    for (Root r : roots) {
      p += r.identity().writeTo(b, p, false);
      b[p++] = (byte) r.stableEndpoints().size();
      for (InetAddress a : r.stableEndpoints()) {
        p += a.writeTo(b, p);
      }
    }
    if (type == Type.MOON) {
      p += 2; // no attached dictionary
    }
    if (forSign) {
      p = putU64(b, p, SIGN_SUFFIX);
    }
    if (p != n) {
      throw new IllegalStateException("World length mismatch " + p + " != " + n);
    }
    return b;
  }

  // ---------------------------------------------------------------------------------------------
  // Signatures and updates

  /** True if the signature is valid under {@code publicKey} (64 bytes). */
  public boolean verify(byte[] publicKey) {
    byte[] msg = signedMessage();
    return C25519.verify(publicKey, msg, 0, msg.length, signature, 0, signature.length);
  }

  /**
   * True if this world is signed by its own {@link #updatesMustBeSignedBy()} key, as an initial
   * world made by mkworld (previous key = current key) is. A world signed with an older key
   * verifies only with {@link #verify} against the previous revision's key.
   */
  public boolean verifySelfSigned() {
    return verify(updatesMustBeSignedBy);
  }

  /**
   * ZeroTier's update rule (World::shouldBeReplacedBy): true if this world is null (id 0 or type
   * null), or if {@code update} has the same id and type, a strictly greater timestamp, and a
   * valid signature by this world's {@link #updatesMustBeSignedBy()} key.
   */
  public boolean shouldBeReplacedBy(World update) {
    if (id == 0 || type == Type.NULL) {
      return true;
    }
    if (id == update.id && Long.compareUnsigned(timestamp, update.timestamp) < 0 && type == update.type) {
      return update.verify(updatesMustBeSignedBy);
    }
    return false;
  }

  private static long u64(byte[] b, int p) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (b[p + i] & 0xFFL);
    }
    return v;
  }

  private static int putU64(byte[] b, int p, long v) {
    for (int i = 0; i < 8; i++) {
      b[p + i] = (byte) (v >>> (56 - 8 * i));
    }
    return p + 8;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof World w && w.type == type && w.id == id && w.timestamp == timestamp
        && Arrays.equals(w.updatesMustBeSignedBy, updatesMustBeSignedBy) && Arrays.equals(w.signature, signature)
        && w.roots.equals(roots);
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, id, timestamp, roots) * 31 + Arrays.hashCode(signature);
  }

  @Override
  public String toString() {
    return type + " " + Long.toUnsignedString(id) + " @" + Long.toUnsignedString(timestamp) + " roots=" + roots
        + " key=" + HexFormat.of().formatHex(updatesMustBeSignedBy, 0, 8) + "…";
  }
}
