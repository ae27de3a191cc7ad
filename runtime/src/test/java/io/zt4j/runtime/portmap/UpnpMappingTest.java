package io.zt4j.runtime.portmap;

import static io.zt4j.runtime.portmap.NatPmpMappingTest.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.zt4j.runtime.portmap.PortMapCounters.Counter;
import io.zt4j.testkit.portmap.FakeIgd;
import io.zt4j.testkit.portmap.FakeNatPmpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** {@link PortMapper} over UPnP against a fake IGD on 127.0.0.1 (SSDP, description, SOAP). */
class UpnpMappingTest {
  static final int PORT = 42345;

  static PortMapper.Config upnpOnly(FakeIgd igd, int lifetime) {
    return PortMapper.Config.defaults().withProtocols(false, true)
        .withNatPmpGateway(new InetSocketAddress(igd.ssdpAddress().getAddress(), 9))
        .withSsdpTarget(igd.ssdpAddress()).withLifetimeSeconds(lifetime).withTimeouts(50, 2, 200);
  }

  @Test
  void mapsRenewsAndDeletesOnStop() throws Exception {
    List<Optional<InetSocketAddress>> published = new CopyOnWriteArrayList<>();
    try (FakeIgd igd = new FakeIgd()) {
      PortMapper pm = new PortMapper(upnpOnly(igd, 2), PORT, "ZeroTier/0123456789@" + PORT, published::add);
      try {
        await(() -> pm.external().isPresent(), "a mapping");
        assertThat(pm.external()).hasValue(new InetSocketAddress("203.0.113.9", PORT));
        assertThat(igd.ssdpPackets()).isPositive();
        assertThat(igd.calls().get(0).action()).isEqualTo("GetExternalIPAddress");
        FakeIgd.Call add = igd.calls("AddPortMapping").get(0);
        assertThat(add.args()).containsEntry("NewRemoteHost", "").containsEntry("NewExternalPort", "" + PORT)
            .containsEntry("NewProtocol", "UDP").containsEntry("NewInternalPort", "" + PORT)
            .containsEntry("NewInternalClient", "127.0.0.1").containsEntry("NewEnabled", "1")
            .containsEntry("NewPortMappingDescription", "ZeroTier/0123456789@" + PORT).containsEntry("NewLeaseDuration", "2");
        assertThat(igd.table()).containsKey(PORT);
        await(() -> pm.counters().get(Counter.RENEWALS) >= 1, "a renewal");
        assertThat(igd.calls("AddPortMapping")).hasSizeGreaterThanOrEqualTo(2)
            .allSatisfy(c -> assertThat(c.args()).containsEntry("NewExternalPort", "" + PORT));
      } finally {
        pm.close();
      }
      assertThat(igd.calls("DeletePortMapping")).hasSize(1);
      assertThat(igd.calls("DeletePortMapping").get(0).args()).containsEntry("NewExternalPort", "" + PORT)
          .containsEntry("NewProtocol", "UDP");
      assertThat(igd.table()).isEmpty();
      assertThat(pm.counters().get(Counter.DELETIONS)).isEqualTo(1);
      assertThat(published.get(published.size() - 1)).isEmpty();
    }
  }

  @Test
  void fallsBackToUpnpWhenNatPmpIsSilent() throws Exception {
    try (FakeIgd igd = new FakeIgd(); FakeNatPmpServer natpmp = new FakeNatPmpServer()) {
      natpmp.silent(true);
      PortMapper.Config c = upnpOnly(igd, 600).withProtocols(true, true).withNatPmpGateway(natpmp.address());
      try (PortMapper pm = new PortMapper(c, PORT, "t", a -> {})) {
        await(() -> pm.external().isPresent(), "a mapping");
        assertThat(pm.external()).hasValue(new InetSocketAddress("203.0.113.9", PORT));
        assertThat(natpmp.requests()).isNotEmpty();
        assertThat(pm.counters().get(Counter.NATPMP_TIMEOUTS)).isPositive();
      }
    }
  }

  @Test
  void aRouterWithOnlyPermanentLeasesGetsOneAndAConflictMovesToTheNextPort() throws Exception {
    try (FakeIgd igd = new FakeIgd()) {
      igd.onlyPermanentLeases(true);
      igd.conflict(PORT);
      try (PortMapper pm = new PortMapper(upnpOnly(igd, 600), PORT, "t", a -> {})) {
        await(() -> pm.external().isPresent(), "a mapping");
        assertThat(pm.external()).hasValue(new InetSocketAddress("203.0.113.9", PORT + 1));
        assertThat(igd.table().get(PORT + 1).lease()).isZero();
        assertThat(pm.counters().get(Counter.UPNP_SOAP_ERRORS)).isGreaterThanOrEqualTo(2);
      }
      assertThat(igd.table()).isEmpty();
    }
  }

  @Test
  void hostileSsdpRepliesAreDroppedAndCounted() throws Exception {
    try (FakeIgd igd = new FakeIgd()) {
      igd.ssdpFirst(FakeIgd.hostileSsdpReplies().toArray(new byte[0][]));
      try (PortMapper pm = new PortMapper(upnpOnly(igd, 600), PORT, "t", a -> {})) {
        await(() -> pm.external().isPresent(), "a mapping");
        PortMapCounters c = pm.counters();
        assertThat(c.get(Counter.UPNP_MALFORMED)).as("garbage, no LOCATION, file: LOCATION").isEqualTo(3);
        assertThat(c.get(Counter.UPNP_REJECTED)).as("LOCATION at another host").isEqualTo(1);
        assertThat(c.get(Counter.UPNP_OVERSIZED)).isEqualTo(1);
      }
    }
  }

  @Test
  void aDescriptionWithAnExternalEntityIsDroppedWithoutFetchingIt() throws Exception {
    try (FakeIgd igd = new FakeIgd()) {
      String xxe = "<?xml version=\"1.0\"?><!DOCTYPE root [<!ENTITY x SYSTEM \"http://127.0.0.1:" + igd.httpPort()
          + "/evil\">]><root xmlns=\"urn:schemas-upnp-org:device-1-0\"><URLBase>&x;</URLBase>"
          + FakeIgd.defaultDescription("/ctl/IPConn").replaceFirst("(?s)^.*?<root[^>]*>", "");
      igd.description(xxe.getBytes(StandardCharsets.UTF_8));
      try (PortMapper pm = new PortMapper(upnpOnly(igd, 600), PORT, "t", a -> {})) {
        await(() -> pm.counters().get(Counter.UPNP_MALFORMED) >= 1, "the description dropped");
        await(() -> pm.counters().get(Counter.FAILURES) >= 1, "a failed round");
        assertThat(pm.external()).isEmpty();
      }
      assertThat(igd.evilHits()).isZero();
      assertThat(igd.calls()).isEmpty();
    }
  }

  @Test
  void anOversizedDescriptionIsDropped() throws Exception {
    try (FakeIgd igd = new FakeIgd()) {
      byte[] big = ("<root>" + "x".repeat(100_000) + "</root>").getBytes(StandardCharsets.UTF_8);
      igd.description(big);
      try (PortMapper pm = new PortMapper(upnpOnly(igd, 600), PORT, "t", a -> {})) {
        await(() -> pm.counters().get(Counter.UPNP_OVERSIZED) >= 1, "the description dropped");
        assertThat(pm.external()).isEmpty();
      }
      assertThat(igd.calls()).isEmpty();
    }
  }

  @Test
  void aControlUrlAtAnotherHostIsNeverCalled() throws Exception {
    try (FakeIgd igd = new FakeIgd()) {
      igd.description(FakeIgd.defaultDescription("http://127.0.0.2:" + igd.httpPort() + "/ctl/IPConn")
          .getBytes(StandardCharsets.UTF_8));
      try (PortMapper pm = new PortMapper(upnpOnly(igd, 600), PORT, "t", a -> {})) {
        await(() -> pm.counters().get(Counter.UPNP_REJECTED) >= 1, "the control URL refused");
        assertThat(pm.external()).isEmpty();
      }
      assertThat(igd.calls()).isEmpty();
    }
  }

  @Test
  void anExternalAddressThatIsNotAnIpv4LiteralIsNotUsed() throws Exception {
    try (FakeIgd igd = new FakeIgd()) {
      igd.externalIp("localhost");
      try (PortMapper pm = new PortMapper(upnpOnly(igd, 600), PORT, "t", a -> {})) {
        await(() -> pm.counters().get(Counter.UPNP_MALFORMED) >= 1, "the answer dropped");
        assertThat(pm.external()).isEmpty();
      }
      assertThat(igd.calls("AddPortMapping")).isEmpty();
    }
  }

  @Test
  void aSoapAnswerThatIsNotXmlIsDropped() throws Exception {
    try (FakeIgd igd = new FakeIgd()) {
      igd.soapOverride("<!DOCTYPE x [<!ENTITY a \"aaaaaaaaaa\">]><x>&a;&a;</x>".getBytes(StandardCharsets.UTF_8));
      try (PortMapper pm = new PortMapper(upnpOnly(igd, 600), PORT, "t", a -> {})) {
        await(() -> pm.counters().get(Counter.UPNP_MALFORMED) >= 1, "the answer dropped");
        assertThat(pm.external()).isEmpty();
      }
      assertThat(igd.calls("AddPortMapping")).isEmpty();
    }
  }
}
