package io.zt4j.runtime.portmap;

import static org.assertj.core.api.Assertions.assertThat;

import io.zt4j.runtime.portmap.PortMapCounters.Counter;
import io.zt4j.testkit.portmap.FakeNatPmpServer;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** {@link PortMapper} with NAT-PMP only, against a fake gateway on 127.0.0.1 (nothing else is contacted). */
class NatPmpMappingTest {
  static final int PORT = 41234;

  static PortMapper.Config config(FakeNatPmpServer gw, int lifetime) {
    // the SSDP target is never used (UPnP off), but points at loopback anyway
    return PortMapper.Config.defaults().withProtocols(true, false).withNatPmpGateway(gw.address())
        .withSsdpTarget(new InetSocketAddress(gw.address().getAddress(), 9)).withLifetimeSeconds(lifetime)
        .withTimeouts(100, 3, 200);
  }

  static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long until = System.currentTimeMillis() + 10_000;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > until) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(10);
    }
  }

  @Test
  void mapsRenewsAtHalfLifeAndDeletesOnStop() throws Exception {
    List<Optional<InetSocketAddress>> published = new CopyOnWriteArrayList<>();
    try (FakeNatPmpServer gw = new FakeNatPmpServer()) {
      PortMapper pm = new PortMapper(config(gw, 2), PORT, "ZeroTier/test@" + PORT, published::add);
      try {
        await(() -> pm.external().isPresent(), "a mapping");
        assertThat(pm.external()).hasValue(new InetSocketAddress("203.0.113.7", PORT));
        assertThat(published).containsExactly(Optional.of(new InetSocketAddress("203.0.113.7", PORT)));
        // external address request first, then the mapping: internal = suggested = our port, our lifetime
        assertThat(gw.requests().get(0).data()).containsExactly(0, 0);
        FakeNatPmpServer.Request map = gw.mapRequests().get(0);
        assertThat(map.internalPort()).isEqualTo(PORT);
        assertThat(map.suggestedExternalPort()).isEqualTo(PORT);
        assertThat(map.lifetime()).isEqualTo(2);
        assertThat(gw.mappings()).containsEntry(PORT, PORT);
        // granted 2 s: renewed after 1 s, asking for the port it got
        long t0 = System.nanoTime();
        await(() -> pm.counters().get(Counter.RENEWALS) >= 1, "a renewal");
        assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThan(500);
        FakeNatPmpServer.Request renewal = gw.mapRequests().get(1);
        assertThat(renewal.suggestedExternalPort()).isEqualTo(PORT);
        assertThat(renewal.lifetime()).isEqualTo(2);
      } finally {
        pm.close();
      }
      FakeNatPmpServer.Request last = gw.mapRequests().get(gw.mapRequests().size() - 1);
      assertThat(last.internalPort()).isEqualTo(PORT);
      assertThat(last.lifetime()).isZero();
      assertThat(last.suggestedExternalPort()).isZero();
      assertThat(gw.mappings()).isEmpty();
      assertThat(pm.counters().get(Counter.DELETIONS)).isEqualTo(1);
      assertThat(pm.external()).isEmpty();
      assertThat(published.get(published.size() - 1)).isEmpty();
      assertThat(pm.counters().get(Counter.NATPMP_MALFORMED)).isZero();
    }
  }

  @Test
  void theRoutersPortChoiceIsWhatIsAdvertised() throws Exception {
    try (FakeNatPmpServer gw = new FakeNatPmpServer()) {
      gw.externalPortOffset(1000);
      try (PortMapper pm = new PortMapper(config(gw, 600), PORT, "t", a -> {})) {
        await(() -> pm.external().isPresent(), "a mapping");
        assertThat(pm.external()).hasValue(new InetSocketAddress("203.0.113.7", PORT + 1000));
      }
    }
  }

  @Test
  void hostileRepliesAreDroppedAndCountedAndTheRealAnswerStillCounts() throws Exception {
    try (FakeNatPmpServer gw = new FakeNatPmpServer()) {
      gw.sendFirst(FakeNatPmpServer.hostileReplies().toArray(new byte[0][]));
      gw.spoofFromOtherPort(true);
      try (PortMapper pm = new PortMapper(config(gw, 600), PORT, "t", a -> {})) {
        await(() -> pm.external().isPresent(), "a mapping");
        assertThat(pm.external()).hasValue(new InetSocketAddress("203.0.113.7", PORT));
        PortMapCounters c = pm.counters();
        assertThat(c.get(Counter.NATPMP_MALFORMED)).as("truncated, oversized, version 2, wrong opcode").isEqualTo(2);
        assertThat(c.get(Counter.NATPMP_WRONG_SOURCE)).isEqualTo(2);
      }
    }
  }

  @Test
  void aRefusingGatewayMapsNothingAndIsCounted() throws Exception {
    List<Optional<InetSocketAddress>> published = new CopyOnWriteArrayList<>();
    try (FakeNatPmpServer gw = new FakeNatPmpServer()) {
      gw.mapResultCode(2);
      try (PortMapper pm = new PortMapper(config(gw, 600), PORT, "t", published::add)) {
        await(() -> pm.counters().get(Counter.FAILURES) >= 2, "two failed rounds");
        assertThat(pm.external()).isEmpty();
        assertThat(published).isEmpty();
        // ZeroTier One's way: the next suggested ports are tried, each refused
        assertThat(gw.mapRequests()).extracting(FakeNatPmpServer.Request::suggestedExternalPort)
            .startsWith(PORT, PORT + 1, PORT + 2);
        assertThat(pm.counters().get(Counter.NATPMP_ERRORS)).isGreaterThanOrEqualTo(NatPmpClient.PORT_TRIES);
      }
      assertThat(gw.mappings()).isEmpty();
    }
  }

  @Test
  void aSilentGatewayTimesOutAndStopIsPrompt() throws Exception {
    try (FakeNatPmpServer gw = new FakeNatPmpServer()) {
      gw.silent(true);
      PortMapper pm = new PortMapper(config(gw, 600), PORT, "t", a -> {});
      await(() -> pm.counters().get(Counter.NATPMP_TIMEOUTS) >= 1, "a timeout");
      // 3 tries: 100 + 200 + 400 ms
      assertThat(pm.counters().get(Counter.NATPMP_REQUESTS)).isGreaterThanOrEqualTo(3);
      long t0 = System.nanoTime();
      pm.close();
      assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(2000);
      assertThat(pm.external()).isEmpty();
    }
  }
}
