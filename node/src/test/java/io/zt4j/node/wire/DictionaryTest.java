package io.zt4j.node.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zt4j.testkit.Environment;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class DictionaryTest {
  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static Dictionary parse(String s) {
    return Dictionary.parse(ascii(s), Dictionary.NETWORK_CONFIG_CAPACITY).value();
  }

  @Test
  void decodesEscapesFromLiteralBytes() {
    Dictionary d = parse("a=1\nb=x\\0y\\r\\n\\\\\\ez\nempty=\nn=ztlab");
    assertThat(d.entries()).hasSize(4);
    assertThat(d.get("b")).hasValueSatisfying(v -> assertThat(v).isEqualTo(new byte[] {'x', 0, 'y', '\r', '\n', '\\', '=', 'z'}));
    assertThat(d.get("empty")).hasValueSatisfying(v -> assertThat(v).isEmpty());
    assertThat(d.getString("n")).contains("ztlab");
    assertThat(d.get("missing")).isEmpty();
  }

  @Test
  void encodesEscapesToLiteralBytes() {
    Dictionary d = Dictionary.builder(64)
        .add("b", new byte[] {'x', 0, 'y', '\r', '\n', '\\', '=', 'z'})
        .addHex("v", 7)
        .addBoolean("ok", true)
        .build();
    assertThat(new String(d.serialize(), StandardCharsets.ISO_8859_1))
        .isEqualTo("b=x\\0y\\r\\n\\\\\\ez\nv=0000000000000007\nok=1");
    assertThat(d.serializedLength()).isEqualTo(d.serialize().length);
  }

  @Test
  void readsLikeZeroTier() {
    Dictionary d = parse("k=first\r\nk=second\n\nnoequals\nC=x\nCOO=y\nu=abc\\");
    assertThat(d.getString("k")).contains("first"); // first occurrence wins, CR ends a line
    assertThat(d.getString("C")).contains("x"); // a prefix of another key does not match it
    assertThat(d.getString("COO")).contains("y");
    assertThat(d.contains("noequals")).isFalse();
    assertThat(d.getString("u")).contains("abc"); // dangling escape disappears
    assertThat(parse("a=1\0b=2").contains("b")).isFalse(); // NUL ends the dictionary
    assertThat(parse("x=\\q").getString("x")).contains("q"); // unknown escape stands for itself
  }

  @Test
  void numbersAndBooleansLikeZeroTier() {
    Dictionary d = parse("v=0000000000000007\nnwid=2b53dd2a51a1b2c3\nbig=ffffffffffffffffff\nneg=-1\n"
        + "px=0x1F\nws= 12z\nt=true\nT=T\nf=0\ne=");
    assertThat(d.getHex("v", 0)).isEqualTo(7);
    assertThat(d.getHex("nwid", 0)).isEqualTo(0x2b53dd2a51a1b2c3L);
    assertThat(d.getHex("big", 0)).isEqualTo(-1L); // saturates like strtoull
    assertThat(d.getHex("neg", 0)).isEqualTo(-1L);
    assertThat(d.getHex("px", 0)).isEqualTo(0x1f);
    assertThat(d.getHex("ws", 0)).isEqualTo(0x12);
    assertThat(d.getHex("e", 42)).isEqualTo(42); // empty value: default
    assertThat(d.getHex("absent", 42)).isEqualTo(42);
    assertThat(d.getBoolean("t", false)).isTrue();
    assertThat(d.getBoolean("T", false)).isTrue();
    assertThat(d.getBoolean("f", true)).isFalse();
    assertThat(d.getBoolean("e", true)).isFalse();
    assertThat(d.getBoolean("absent", true)).isTrue();
  }

  @Test
  void capacityIsEnforcedBothWays() {
    byte[] nine = ascii("abcd=1234");
    assertThat(Dictionary.parse(nine, 10).isOk()).isTrue();
    assertThat(Dictionary.parse(nine, 9).reason()).isEqualTo(DropReason.TOO_LARGE);
    Dictionary.Builder b = Dictionary.builder(10).add("abcd", "1234");
    assertThat(b.fits("x", new byte[0])).isFalse();
    assertThatThrownBy(() -> b.add("x", "")).isInstanceOf(IllegalStateException.class);
    assertThat(Dictionary.builder(10).fits("abcd", new byte[] {'=', '=', '='})).isFalse(); // escaping counts
    assertThat(Dictionary.builder(10).fits("abcd", new byte[] {'a', 'b', 'c'})).isTrue();
    assertThatThrownBy(() -> Dictionary.builder(100).add("a=b", "1")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Dictionary.builder(100).add("a\nb", "1")).isInstanceOf(IllegalArgumentException.class);
  }

  static Stream<Path> vectorDictionaries() throws IOException {
    Path v = Environment.vectors();
    List<Path> files = new ArrayList<>();
    for (String run : new String[] {"dualstack", "ipv4only"}) {
      try (Stream<Path> s = Files.list(v.resolve("lab").resolve(run).resolve("decoded"))) {
        s.filter(p -> p.toString().endsWith(".dict")).forEach(files::add);
      }
      for (String node : new String[] {"a", "b"}) {
        try (Stream<Path> s = Files.list(v.resolve("lab").resolve(run).resolve("state").resolve(node).resolve("networks.d"))) {
          s.filter(p -> p.toString().endsWith(".conf")).forEach(files::add);
        }
      }
    }
    return files.stream().sorted();
  }

  @Test
  void vectorDictionariesReserializeByteIdentically() throws IOException {
    List<Path> files = vectorDictionaries().toList();
    assertThat(files).hasSizeGreaterThanOrEqualTo(12);
    for (Path f : files) {
      byte[] raw = Files.readAllBytes(f);
      Parsed<Dictionary> p = Dictionary.parse(raw, Dictionary.NETWORK_CONFIG_CAPACITY);
      assertThat(p.isOk()).as(f.toString()).isTrue();
      assertThat(p.value().serialize()).as(f.toString()).isEqualTo(raw);
      assertThat(p.value().serializedLength()).isEqualTo(raw.length);
    }
  }

  /**
   * Every key of every dictionary listed in the vectors' {@code dictionaries.decoded.txt} (state
   * files and reassembled configs) has the listed value: text, or hex for binary values.
   */
  @Test
  void valuesMatchTheVectorsKeyByKeyListing() throws IOException {
    int checked = 0;
    for (String run : new String[] {"dualstack", "ipv4only"}) {
      Path dir = Environment.vectors().resolve("lab").resolve(run);
      List<String> lines = Files.readAllLines(dir.resolve("decoded/dictionaries.decoded.txt"));
      Dictionary current = null;
      for (String line : lines) {
        if (line.startsWith("==== ")) {
          current = null;
          String rel = null;
          if (line.startsWith("==== state file ")) {
            rel = line.substring("==== state file ".length(), line.lastIndexOf(" ("));
          } else if (line.contains("chunks: ")) {
            rel = line.substring(line.indexOf("chunks: ") + 8, line.lastIndexOf(" ("));
          }
          if (rel != null) {
            current = Dictionary.parse(Files.readAllBytes(dir.resolve(rel)), Dictionary.NETWORK_CONFIG_CAPACITY).value();
          }
        } else if (current != null && line.startsWith("  ") && line.contains(" = ")) {
          String key = line.substring(0, line.indexOf(" = ")).strip();
          String shown = line.substring(line.indexOf(" = ") + 3);
          byte[] actual = current.get(key).orElseThrow(() -> new AssertionError("missing key " + key));
          if (shown.startsWith("[binary")) {
            String hex = shown.substring(shown.indexOf("] ") + 2).strip();
            assertThat(HexFormat.of().formatHex(actual)).as(key).isEqualTo(hex);
          } else {
            assertThat(new String(actual, StandardCharsets.UTF_8)).as(key).isEqualTo(shown);
          }
          checked++;
        }
      }
    }
    assertThat(checked).isGreaterThan(100);
  }

  @Provide
  Arbitrary<Dictionary> dictionaries() {
    Arbitrary<String> keys = Arbitraries.strings().withCharRange((char) 1, (char) 0xFF)
        .excludeChars('\r', '\n', '=').ofMinLength(0).ofMaxLength(8);
    Arbitrary<byte[]> values = Arbitraries.bytes().array(byte[].class).ofMaxSize(40);
    Arbitrary<List<Object[]>> pairs = Combinators.combine(keys, values).as((k, v) -> new Object[] {k, v})
        .list().ofMaxSize(8);
    return Combinators.combine(pairs, Arbitraries.of(true, false)).as((ps, nl) -> {
      Dictionary.Builder b = Dictionary.builder(Dictionary.METADATA_CAPACITY);
      for (Object[] kv : ps) {
        b.add((String) kv[0], (byte[]) kv[1]);
      }
      return b.trailingNewline(nl).build();
    });
  }

  @Property
  void roundTrip(@ForAll("dictionaries") Dictionary d) {
    byte[] bytes = d.serialize();
    assertThat(bytes.length).isEqualTo(d.serializedLength()).isLessThan(Dictionary.METADATA_CAPACITY);
    assertThat(Dictionary.parse(bytes, Dictionary.METADATA_CAPACITY).value()).isEqualTo(d);
  }

  @Property
  void randomBytesParseAndReserializeStably(@ForAll @Size(max = 300) byte[] junk) {
    Parsed<Dictionary> p = Dictionary.parse(junk, 200);
    if (junk.length >= 200) {
      assertThat(p.reason()).isEqualTo(DropReason.TOO_LARGE);
      return;
    }
    Dictionary d = p.value();
    byte[] canon = d.serialize();
    assertThat(Dictionary.parse(canon, Dictionary.NETWORK_CONFIG_CAPACITY).value()).isEqualTo(d);
  }
}
