package io.zt4j.node.wire;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * ZeroTier's packed key=value store, used for network configs ({@code NETWORK_CONFIG}, {@code
 * networks.d/*.conf}), config-request metadata, remote traces and small service files.
 *
 * <pre>
 *  key=value\nkey=value\n...key=value        (no newline after the last entry when ZeroTier
 *                                             writes it; fprintf-written files end with one)
 *  keys:   any bytes except NUL, CR, LF and '='; not escaped
 *  values: escaped so the blob stays a C string and each entry one line:
 *            NUL -> \0   CR -> \r   LF -> \n   '\' -> \\   '=' -> \e
 *          on read, '\' followed by any other byte stands for that byte
 *  numbers are written as 16 lowercase hex digits, booleans as 0/1
 * </pre>
 *
 * <p>Reading follows ZeroTier's {@code Dictionary::get}: a line ends at CR or LF; blank lines and
 * lines without '=' are ignored; a key may repeat and the first occurrence wins; the dictionary
 * ends at the first NUL byte. A dictionary has a capacity that includes the terminating NUL, so
 * at most {@code capacity - 1} bytes are accepted or produced ({@link #NETWORK_CONFIG_CAPACITY},
 * {@link #METADATA_CAPACITY}).
 *
 * <p>{@link #serialize()} writes the canonical form (ZeroTier's escaping, entries joined by LF,
 * plus a final LF if the parsed input had one), so a dictionary written by ZeroTier One
 * re-serializes to identical bytes. Immutable and thread-safe; build one with {@link #builder}.
 */
public final class Dictionary {

  /**
   * Capacity of a network-config dictionary in ZeroTier One 1.14 on x86-64
   * ({@code ZT_NETWORKCONFIG_DICT_CAPACITY}, 4096 bytes plus the sizes of the largest config
   * structures); configs of this size or larger are refused.
   */
  public static final int NETWORK_CONFIG_CAPACITY = 484_520;

  /** Capacity of the metadata dictionary in NETWORK_CONFIG_REQUEST. */
  public static final int METADATA_CAPACITY = 1024;

  /** One {@code key=value} line. The value is raw (unescaped) bytes. */
  public static final class Entry {
    private final String key;
    private final byte[] value;

    Entry(String key, byte[] value) {
      this.key = key;
      this.value = value;
    }

    /** The key; each char is one byte of the key (ISO-8859-1). */
    public String key() {
      return key;
    }

    /** A copy of the unescaped value. */
    public byte[] value() {
      return value.clone();
    }

    /** Length of the unescaped value. */
    public int valueLength() {
      return value.length;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Entry e && e.key.equals(key) && Arrays.equals(e.value, value);
    }

    @Override
    public int hashCode() {
      return key.hashCode() * 31 + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
      return key + "=" + new String(value, StandardCharsets.ISO_8859_1);
    }
  }

  private final List<Entry> entries;
  private final boolean trailingNewline;

  private Dictionary(List<Entry> entries, boolean trailingNewline) {
    this.entries = Collections.unmodifiableList(entries);
    this.trailingNewline = trailingNewline && !entries.isEmpty();
  }

  /** The empty dictionary. */
  public static Dictionary empty() {
    return new Dictionary(new ArrayList<>(), false);
  }

  /** Entries in order, duplicates included. */
  public List<Entry> entries() {
    return entries;
  }

  /**
   * Whether {@link #serialize()} ends with a newline (as files written line by line with fprintf
   * do); always false for an empty dictionary.
   */
  public boolean trailingNewline() {
    return trailingNewline;
  }

  // ---------------------------------------------------------------------------------------------
  // Parsing

  /**
   * Parses {@code buf[off, off+len)}. Input of {@code capacity} bytes or more is dropped as
   * {@link DropReason#TOO_LARGE} (ZeroTier needs room for the terminating NUL); bytes after a
   * NUL are ignored, as ZeroTier ignores them. The result's length is {@code len}.
   */
  public static Parsed<Dictionary> parse(byte[] buf, int off, int len, int capacity) {
    if (len < 0 || off < 0 || off + len > buf.length) {
      return Parsed.dropped(DropReason.MALFORMED, "Dictionary: range outside the buffer");
    }
    if (len >= capacity) {
      return Parsed.dropped(
          DropReason.TOO_LARGE, "Dictionary: " + len + " bytes, capacity " + capacity + " incl. NUL");
    }
    int end = off;
    while (end < off + len && buf[end] != 0) {
      end++;
    }
    List<Entry> entries = new ArrayList<>();
    int i = off;
    while (i < end) {
      int lineEnd = i;
      while (lineEnd < end && buf[lineEnd] != '\r' && buf[lineEnd] != '\n') {
        lineEnd++;
      }
      int eq = i;
      while (eq < lineEnd && buf[eq] != '=') {
        eq++;
      }
      if (eq < lineEnd) {
        String key = new String(buf, i, eq - i, StandardCharsets.ISO_8859_1);
        entries.add(new Entry(key, unescape(buf, eq + 1, lineEnd)));
      }
      i = lineEnd + 1;
    }
    boolean trailingNewline = end > off && buf[end - 1] == '\n'
        && (end - 1 == off || (buf[end - 2] != '\n' && buf[end - 2] != '\r'));
    return Parsed.ok(new Dictionary(entries, trailingNewline), len);
  }

  /** {@link #parse(byte[], int, int, int)} of a whole array. */
  public static Parsed<Dictionary> parse(byte[] bytes, int capacity) {
    return parse(bytes, 0, bytes.length, capacity);
  }

  private static byte[] unescape(byte[] buf, int from, int to) {
    byte[] out = new byte[to - from];
    int j = 0;
    boolean esc = false;
    for (int i = from; i < to; i++) {
      byte b = buf[i];
      if (esc) {
        esc = false;
        out[j++] = switch (b) {
          case 'r' -> (byte) '\r';
          case 'n' -> (byte) '\n';
          case '0' -> (byte) 0;
          case 'e' -> (byte) '=';
          default -> b;
        };
      } else if (b == '\\') {
        esc = true;
      } else {
        out[j++] = b;
      }
    }
    return j == out.length ? out : Arrays.copyOf(out, j);
  }

  // ---------------------------------------------------------------------------------------------
  // Lookup (first occurrence of a key wins, as in ZeroTier)

  /** The first value stored under {@code key}, unescaped. */
  public Optional<byte[]> get(String key) {
    for (Entry e : entries) {
      if (e.key.equals(key)) {
        return Optional.of(e.value.clone());
      }
    }
    return Optional.empty();
  }

  public boolean contains(String key) {
    return entries.stream().anyMatch(e -> e.key.equals(key));
  }

  /** The value as text (each byte one ISO-8859-1 char; UTF-8 callers decode {@link #get}). */
  public Optional<String> getString(String key) {
    return get(key).map(v -> new String(v, StandardCharsets.ISO_8859_1));
  }

  /**
   * A boolean as ZeroTier reads one: true if the value starts with {@code 1}, {@code t} or
   * {@code T}; {@code dfl} if the key is absent.
   */
  public boolean getBoolean(String key, boolean dfl) {
    Optional<byte[]> v = get(key);
    if (v.isEmpty()) {
      return dfl;
    }
    byte[] b = v.get();
    return b.length > 0 && (b[0] == '1' || b[0] == 't' || b[0] == 'T');
  }

  /**
   * An unsigned 64-bit hex number as ZeroTier reads one ({@code strtoull(..., 16)}: optional
   * whitespace, sign and {@code 0x}, then hex digits up to the first other character; too large
   * saturates to all ones); {@code dfl} if the key is absent or its value empty.
   */
  public long getHex(String key, long dfl) {
    Optional<String> v = getString(key);
    if (v.isEmpty() || v.get().isEmpty()) {
      return dfl;
    }
    return strtoull16(v.get());
  }

  static long strtoull16(String s) {
    int i = 0;
    int n = s.length();
    while (i < n && " \t\n\u000b\f\r".indexOf(s.charAt(i)) >= 0) {
      i++;
    }
    boolean negative = false;
    if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
      negative = s.charAt(i) == '-';
      i++;
    }
    if (i + 2 < n && s.charAt(i) == '0' && (s.charAt(i + 1) == 'x' || s.charAt(i + 1) == 'X')
        && s.charAt(i + 2) < 0x80 && Character.digit(s.charAt(i + 2), 16) >= 0) {
      i += 2;
    }
    long v = 0;
    boolean overflow = false;
    for (; i < n; i++) {
      char c = s.charAt(i);
      int d = c < 0x80 ? Character.digit(c, 16) : -1;
      if (d < 0) {
        break;
      }
      if ((v >>> 60) != 0) {
        overflow = true;
      }
      v = (v << 4) | d;
    }
    if (overflow) {
      return -1L;
    }
    return negative ? -v : v;
  }

  // ---------------------------------------------------------------------------------------------
  // Writing

  /** The canonical serialized form (without a terminating NUL). */
  public byte[] serialize() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 + 32 * entries.size());
    boolean first = true;
    for (Entry e : entries) {
      if (!first) {
        out.write('\n');
      }
      first = false;
      writeEntry(out, e.key, e.value);
    }
    if (trailingNewline && !entries.isEmpty()) {
      out.write('\n');
    }
    return out.toByteArray();
  }

  /** Bytes {@link #serialize()} produces. */
  public int serializedLength() {
    int n = 0;
    for (Entry e : entries) {
      n += entryLength(e.key, e.value);
    }
    if (!entries.isEmpty()) {
      n += entries.size() - 1 + (trailingNewline ? 1 : 0);
    }
    return n;
  }

  private static void writeEntry(ByteArrayOutputStream out, String key, byte[] value) {
    for (int i = 0; i < key.length(); i++) {
      out.write(key.charAt(i));
    }
    out.write('=');
    for (byte b : value) {
      switch (b) {
        case 0 -> {
          out.write('\\');
          out.write('0');
        }
        case '\r' -> {
          out.write('\\');
          out.write('r');
        }
        case '\n' -> {
          out.write('\\');
          out.write('n');
        }
        case '\\' -> {
          out.write('\\');
          out.write('\\');
        }
        case '=' -> {
          out.write('\\');
          out.write('e');
        }
        default -> out.write(b);
      }
    }
  }

  private static int entryLength(String key, byte[] value) {
    int n = key.length() + 1;
    for (byte b : value) {
      n += (b == 0 || b == '\r' || b == '\n' || b == '\\' || b == '=') ? 2 : 1;
    }
    return n;
  }

  public static Builder builder(int capacity) {
    return new Builder(capacity);
  }

  /** Builds a dictionary entry by entry, refusing to exceed its capacity. Not thread-safe. */
  public static final class Builder {
    private final int capacity;
    private final List<Entry> entries = new ArrayList<>();
    private int size;
    private boolean trailingNewline;

    private Builder(int capacity) {
      if (capacity < 1) {
        throw new IllegalArgumentException("capacity must leave room for the NUL");
      }
      this.capacity = capacity;
    }

    /** Whether another entry with this key and value still fits. */
    public boolean fits(String key, byte[] value) {
      return size + (entries.isEmpty() ? 0 : 1) + entryLength(key, value) + (trailingNewline ? 1 : 0)
          <= capacity - 1;
    }

    /**
     * Appends {@code key=value} (a binary value; escaped on output). A repeated key is appended
     * too (the first one is what readers see), as in ZeroTier.
     *
     * @throws IllegalArgumentException if the key contains NUL, CR, LF or '='
     * @throws IllegalStateException if the entry does not fit the capacity
     */
    public Builder add(String key, byte[] value) {
      checkKey(key);
      if (!fits(key, value)) {
        throw new IllegalStateException("dictionary would exceed its capacity of " + capacity + " bytes");
      }
      size += (entries.isEmpty() ? 0 : 1) + entryLength(key, value);
      entries.add(new Entry(key, value.clone()));
      return this;
    }

    /** A text value, as UTF-8. */
    public Builder add(String key, String value) {
      return add(key, value.getBytes(StandardCharsets.UTF_8));
    }

    /** A 64-bit number as 16 lowercase hex digits (ZeroTier's {@code add(key, uint64_t)}). */
    public Builder addHex(String key, long value) {
      return add(key, String.format("%016x", value));
    }

    /** {@code 1} or {@code 0}. */
    public Builder addBoolean(String key, boolean value) {
      return add(key, value ? "1" : "0");
    }

    /** End the serialized form with a newline (as files written line by line do). */
    public Builder trailingNewline(boolean on) {
      if (on && !trailingNewline && size + 1 > capacity - 1) {
        throw new IllegalStateException("dictionary would exceed its capacity of " + capacity + " bytes");
      }
      this.trailingNewline = on;
      return this;
    }

    public Dictionary build() {
      return new Dictionary(new ArrayList<>(entries), trailingNewline);
    }

    private static void checkKey(String key) {
      Objects.requireNonNull(key, "key");
      for (int i = 0; i < key.length(); i++) {
        char c = key.charAt(i);
        if (c == 0 || c == '\r' || c == '\n' || c == '=' || c > 0xFF) {
          throw new IllegalArgumentException("dictionary key may not contain NUL, CR, LF, '=' or non-Latin-1: "
              + key);
        }
      }
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Dictionary d && d.entries.equals(entries) && d.trailingNewline == trailingNewline;
  }

  @Override
  public int hashCode() {
    return entries.hashCode() * 31 + Boolean.hashCode(trailingNewline);
  }

  @Override
  public String toString() {
    return "Dictionary" + entries;
  }
}
