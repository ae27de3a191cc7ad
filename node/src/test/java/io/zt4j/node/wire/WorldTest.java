package io.zt4j.node.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.zt4j.node.crypto.C25519;
import io.zt4j.node.identity.Address;
import io.zt4j.node.identity.Identity;
import io.zt4j.testkit.Environment;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class WorldTest {
  private static final HexFormat HEX = HexFormat.of();

  /** A fixed throw-away key pair for tests that only need some signer. */
  private static final byte[] PRIV_A = keyFromSeed(1);
  private static final byte[] PUB_A = C25519.publicKeyOf(PRIV_A);
  private static final byte[] PRIV_B = keyFromSeed(2);
  private static final byte[] PUB_B = C25519.publicKeyOf(PRIV_B);

  private static byte[] keyFromSeed(long seed) {
    byte[] k = new byte[64];
    new Random(seed).nextBytes(k);
    return k;
  }

  private static byte[] planetBytes() throws IOException {
    return Files.readAllBytes(Environment.vectorFile("planet/planet"));
  }

  @Test
  void vectorPlanetParsesVerifiesAndReserializesIdentically() throws IOException {
    byte[] raw = planetBytes();
    Parsed<World> p = World.parse(raw);
    assertThat(p.isOk()).isTrue();
    assertThat(p.length()).isEqualTo(276);
    World w = p.value();
    assertThat(w.type()).isEqualTo(World.Type.PLANET);
    assertThat(w.id()).isEqualTo(4242424242L);
    assertThat(w.timestamp()).isEqualTo(1764100000000L);
    assertThat(w.roots()).hasSize(1);
    World.Root r = w.roots().get(0);
    assertThat(r.identity().address().toString()).isEqualTo("523be43e97");
    assertThat(r.stableEndpoints()).extracting(InetAddress::toString).containsExactly("10.99.0.1/9993", "fd99::1/9993");
    assertThat(w.verifySelfSigned()).isTrue();
    assertThat(w.serialize()).isEqualTo(raw);
  }

  @Test
  void signedMessageMatchesPlanetTxt() throws IOException {
    String expected = Files.readAllLines(Environment.vectorFile("planet/planet.txt")).stream()
        .filter(l -> l.startsWith("signed_message_hex=")).findFirst().orElseThrow().substring(19);
    assertThat(HEX.formatHex(World.parse(planetBytes()).value().signedMessage())).isEqualTo(expected);
  }

  @Test
  void makeWithTheVectorParametersReproducesThePlanet() throws IOException {
    byte[] raw = planetBytes();
    byte[] kp = Files.readAllBytes(Environment.vectorFile("planet/planet-signing-keypair.c25519"));
    Identity root = Identity.fromString(
        "523be43e97:0:e641c078e2ee2ce34ba0dfee0c18ed84ca5a5528fb7f25addd6d4dd32f28ae3ea3d6b938caa37fa217b9275b416919a8505a56f463a0881f12ebcc77514e4fd3")
        .orElseThrow();
    World w = World.make(World.Type.PLANET, 4242424242L, 1764100000000L, Arrays.copyOf(kp, 64),
        List.of(new World.Root(root, List.of(
            InetAddress.fromString("10.99.0.1/9993").orElseThrow(),
            InetAddress.fromString("fd99::1/9993").orElseThrow()))),
        Arrays.copyOfRange(kp, 64, 128));
    assertThat(w.serialize()).isEqualTo(raw);
  }

  @Test
  void tamperingBreaksTheSignature() throws IOException {
    byte[] raw = planetBytes();
    raw[raw.length - 1] ^= 1; // last byte of the IPv6 endpoint's port
    World w = World.parse(raw).value();
    assertThat(w.verifySelfSigned()).isFalse();
  }

  @Test
  void everyTruncationIsDroppedNotThrown() throws IOException {
    byte[] raw = planetBytes();
    for (int n = 0; n < raw.length; n++) {
      Parsed<World> p = World.parse(raw, 0, n);
      assertThat(p.isOk()).as("prefix " + n).isFalse();
      assertThat(p.reason()).as("prefix " + n).isEqualTo(DropReason.TRUNCATED);
    }
  }

  @Test
  void limitsAndTypesAreEnforced() throws IOException {
    byte[] raw = planetBytes();
    byte[] t = raw.clone();
    t[0] = 2;
    assertThat(World.parse(t).reason()).isEqualTo(DropReason.UNKNOWN_TYPE);
    byte[] manyRoots = raw.clone();
    manyRoots[177] = 5;
    assertThat(World.parse(manyRoots).reason()).isEqualTo(DropReason.TOO_MANY);
    byte[] manyEps = raw.clone();
    manyEps[249] = 33;
    assertThat(World.parse(manyEps).reason()).isEqualTo(DropReason.TOO_MANY);
    byte[] badEp = raw.clone();
    badEp[250] = 5;
    assertThat(World.parse(badEp).reason()).isEqualTo(DropReason.UNKNOWN_TYPE);
    byte[] badIdType = raw.clone();
    badIdType[183] = 1;
    assertThat(World.parse(badIdType).reason()).isEqualTo(DropReason.MALFORMED);
  }

  private static World.Root root(long addr, String... eps) {
    byte[] pub = new byte[64];
    new Random(addr).nextBytes(pub);
    List<InetAddress> list = new ArrayList<>();
    for (String e : eps) {
      list.add(InetAddress.fromString(e).orElseThrow());
    }
    return new World.Root(Identity.of(Address.of(addr), pub, null), list);
  }

  @Test
  void moonLayoutHasTheDictionaryLengthAndSkipsAnAttachedDictionary() {
    World moon = World.make(World.Type.MOON, 0x523be43e97L, 5, PUB_A, List.of(root(0x523be43e97L, "10.0.0.1/9993")), PRIV_A);
    byte[] b = moon.serialize();
    assertThat(b[0]).isEqualTo((byte) 127);
    assertThat(Arrays.copyOfRange(b, b.length - 2, b.length)).isEqualTo(new byte[] {0, 0});
    assertThat(World.parse(b)).isEqualTo(Parsed.ok(moon, b.length));
    assertThat(moon.verifySelfSigned()).isTrue();
    byte[] withDict = Arrays.copyOf(b, b.length + 3);
    withDict[b.length - 1] = 3;
    withDict[b.length] = 'a';
    withDict[b.length + 1] = '=';
    withDict[b.length + 2] = '1';
    Parsed<World> p = World.parse(withDict);
    assertThat(p.length()).isEqualTo(withDict.length);
    assertThat(p.value()).isEqualTo(moon);
    assertThat(World.parse(Arrays.copyOf(withDict, withDict.length - 1)).reason()).isEqualTo(DropReason.TRUNCATED);
  }

  @Test
  void updateRules() {
    List<World.Root> roots = List.of(root(0x1122334455L, "10.0.0.1/9993"));
    World v1 = World.make(World.Type.PLANET, 77, 1000, PUB_A, roots, PRIV_A);
    // next revision signed with the key v1 names, rotating to key B
    World v2 = World.make(World.Type.PLANET, 77, 2000, PUB_B, roots, PRIV_A);
    assertThat(v1.shouldBeReplacedBy(v2)).isTrue();
    assertThat(v2.shouldBeReplacedBy(v1)).isFalse(); // older
    assertThat(v1.shouldBeReplacedBy(v1)).isFalse(); // same timestamp
    // v3 must now be signed by B
    World v3WrongKey = World.make(World.Type.PLANET, 77, 3000, PUB_B, roots, PRIV_A);
    World v3 = World.make(World.Type.PLANET, 77, 3000, PUB_B, roots, PRIV_B);
    assertThat(v2.shouldBeReplacedBy(v3WrongKey)).isFalse();
    assertThat(v2.shouldBeReplacedBy(v3)).isTrue();
    assertThat(v1.shouldBeReplacedBy(v3)).isFalse(); // skips a key rotation
    World otherId = World.make(World.Type.PLANET, 78, 3000, PUB_A, roots, PRIV_A);
    assertThat(v1.shouldBeReplacedBy(otherId)).isFalse();
    World moonSameId = World.make(World.Type.MOON, 77, 3000, PUB_A, roots, PRIV_A);
    assertThat(v1.shouldBeReplacedBy(moonSameId)).isFalse();
    World nullWorld = World.make(World.Type.NULL, 0, 0, PUB_A, List.of(), PRIV_A);
    assertThat(nullWorld.shouldBeReplacedBy(otherId)).isTrue();
    // timestamps compare unsigned, as uint64
    World negative = World.make(World.Type.PLANET, 77, -1L, PUB_B, roots, PRIV_A);
    assertThat(v1.shouldBeReplacedBy(negative)).isTrue();
  }

  @Provide
  Arbitrary<World> worlds() {
    Arbitrary<InetAddress> ep = Arbitraries.oneOf(
        Combinators.combine(Arbitraries.bytes().array(byte[].class).ofSize(4), Arbitraries.integers().between(0, 65535))
            .as(InetAddress::of),
        Combinators.combine(Arbitraries.bytes().array(byte[].class).ofSize(16), Arbitraries.integers().between(0, 65535))
            .as(InetAddress::of),
        Arbitraries.just(InetAddress.NIL));
    Arbitrary<World.Root> root = Combinators.combine(
        Arbitraries.longs().between(1, 0xfeffffffffL),
        Arbitraries.bytes().array(byte[].class).ofSize(64),
        ep.list().ofMaxSize(World.MAX_STABLE_ENDPOINTS_PER_ROOT))
        .as((a, pub, eps) -> new World.Root(Identity.of(Address.of(a), pub, null), eps));
    return Combinators.combine(
        Arbitraries.of(World.Type.values()), Arbitraries.longs(), Arbitraries.longs(),
        root.list().ofMaxSize(World.MAX_ROOTS))
        .as((type, id, ts, roots) -> World.make(type, id, ts, PUB_B, roots, PRIV_A));
  }

  @Property(tries = 200)
  void roundTrip(@ForAll("worlds") World w) {
    byte[] b = w.serialize();
    assertThat(b.length).isLessThanOrEqualTo(World.MAX_SERIALIZED_LENGTH);
    assertThat(World.parse(b)).isEqualTo(Parsed.ok(w, b.length));
    assertThat(w.verify(PUB_A)).isTrue();
    assertThat(w.verify(PUB_B)).isFalse();
  }

  @Property
  void randomBytesNeverThrow(@ForAll @Size(max = 400) byte[] junk) {
    Parsed<World> p = World.parse(junk);
    if (p.isOk()) {
      assertThat(p.length()).isLessThanOrEqualTo(junk.length);
    }
  }

  @Property
  void mutatedPlanetNeverThrowsAndNeverVerifiesIfSignedPartChanged(
      @ForAll @IntRange(min = 0, max = 275) int index, @ForAll @IntRange(min = 1, max = 255) int xor) throws IOException {
    byte[] raw = planetBytes();
    raw[index] ^= (byte) xor;
    Parsed<World> p = World.parse(raw);
    if (p.isOk() && Arrays.equals(p.value().serialize(), raw)) {
      assertThat(p.value().verifySelfSigned()).isFalse();
    }
  }
}
