package io.zt4j.node.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class IdentityTest {
  @Test
  void generateThenValidateRoundTrips() {
    Identity id = Identity.generate(new SplittableRandom(42));
    assertThat(id.locallyValidate()).isTrue();
    assertThat(id.privateKeyMatches()).isTrue();
    assertThat(id.address().isReserved()).isFalse();
    Identity reparsed = Identity.fromString(id.toString(true)).orElseThrow();
    assertThat(reparsed.toString(true)).isEqualTo(id.toString(true));
    assertThat(reparsed.locallyValidate()).isTrue();
    byte[] bin = id.serialize(true);
    assertThat(Identity.deserialize(bin, 0, bin.length).orElseThrow().identity().toString(true))
        .isEqualTo(id.toString(true));
    // a seeded source reproduces the identity
    assertThat(Identity.generate(new SplittableRandom(42)).toString(true)).isEqualTo(id.toString(true));
  }

  @Test
  void generationReportsProgressAndCancels() {
    AtomicLong seen = new AtomicLong(-1);
    assertThat(Identity.generate(new SplittableRandom(7), attempts -> {
      seen.set(attempts);
      return attempts < 1;
    })).isEmpty();
    assertThat(seen.get()).isEqualTo(1);
  }

  @Test
  void reservedAddressesAndBadShapesAreRejected() {
    String pub = "a52cc4076771cd0f6049df229947d1909eb0a422dcc5f71df60349e2545b0745"
        + "9e06a8a314d0dcf5277babb02f56e6893d9f4bdebf580b8cf6014880e90a9eee";
    assertThat(Identity.fromString("5b29cdda7a:0:" + pub)).isPresent();
    assertThat(Identity.fromString("0000000000:0:" + pub)).isEmpty();
    assertThat(Identity.fromString("ff29cdda7a:0:" + pub)).isEmpty();
    assertThat(Identity.fromString("5b29cdda7a:0:" + pub + ":")).isEmpty();
    assertThat(Identity.fromString("5b29cdda7a:0:" + pub + ":00")).isEmpty();
    assertThat(Identity.fromString("5b29cdda7a:0:" + pub.replace('a', 'g'))).isEmpty();
    assertThat(Identity.fromString("5b29cdda7a:00:" + pub)).isEmpty();
    assertThat(Identity.fromString("5b29cdda7:0:" + pub)).isEmpty();
    assertThat(Identity.fromString("")).isEmpty();
    assertThat(Identity.fromString(null)).isEmpty();
    assertThat(Address.of(0xff00000001L).isReserved()).isTrue();
    assertThat(Address.of(0).isReserved()).isTrue();
    assertThat(Address.of(0xfe00000001L).isReserved()).isFalse();
  }

  @Property(tries = 300)
  void randomBytesNeverBreakBinaryParser(@ForAll @Size(max = 200) byte[] bytes) {
    var d = Identity.deserialize(bytes, 0, bytes.length);
    d.ifPresent(x -> {
      assertThat(x.length()).isIn(71, 135);
      assertThat(x.identity().serialize(true)).isEqualTo(java.util.Arrays.copyOf(bytes, x.length()));
    });
  }

  @Property(tries = 300)
  void truncatedOrPrefixedBinaryNeverThrows(@ForAll @Size(min = 135, max = 135) byte[] bytes) {
    bytes[5] = 0;
    bytes[70] = 64;
    for (int len = 0; len <= bytes.length; len += 7) {
      Identity.deserialize(bytes, 0, len);
    }
    assertThat(Identity.deserialize(bytes, 0, 134)).isEmpty();
    assertThat(Identity.deserialize(bytes, -1, 10)).isEmpty();
    assertThat(Identity.deserialize(bytes, 100, 100)).isEmpty();
  }

  @Provide
  Arbitrary<String> identityLike() {
    return Arbitraries.strings().withChars("0123456789abcdefABCDEF:xz ").ofMaxLength(300);
  }

  @Property(tries = 500)
  void randomStringsNeverBreakStringParser(@ForAll("identityLike") String s) {
    Identity.fromString(s).ifPresent(id -> assertThat(id.toString(true)).isEqualToIgnoringCase(s.trim()));
  }

  @Property(tries = 200)
  void addressRoundTrips(@ForAll long v) {
    Address a = Address.of(v);
    assertThat(Address.parse(a.toString())).contains(a);
    assertThat(Address.read(a.toBytes(), 0)).isEqualTo(a);
    assertThat(a.toLong()).isEqualTo(v & 0xffffffffffL);
  }
}
