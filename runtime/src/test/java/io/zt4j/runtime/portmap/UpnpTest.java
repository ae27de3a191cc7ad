package io.zt4j.runtime.portmap;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class UpnpTest {
  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void buildsTheSearchRequest() {
    assertThat(new String(Upnp.mSearch("239.255.255.250:1900", Upnp.ST_IGD1), StandardCharsets.US_ASCII)).isEqualTo(
        "M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: \"ssdp:discover\"\r\nMX: 2\r\n"
            + "ST: urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\n\r\n");
  }

  @Test
  void readsLocationCaseInsensitivelyAndOnlyHttp() {
    byte[] ok = b("HTTP/1.1 200 OK\r\nst: x\r\nLocation:  http://192.168.1.1:5000/rootDesc.xml \r\n\r\n");
    assertThat(Upnp.ssdpLocation(ok, ok.length)).hasValue(URI.create("http://192.168.1.1:5000/rootDesc.xml"));
    byte[] https = b("HTTP/1.1 200 OK\r\nLOCATION: https://192.168.1.1/d.xml\r\n\r\n");
    assertThat(Upnp.ssdpLocation(https, https.length)).isEmpty();
    byte[] notOk = b("HTTP/1.1 404 Not Found\r\nLOCATION: http://192.168.1.1/d.xml\r\n\r\n");
    assertThat(Upnp.ssdpLocation(notOk, notOk.length)).isEmpty();
    byte[] notify = b("NOTIFY * HTTP/1.1\r\nLOCATION: http://192.168.1.1/d.xml\r\n\r\n");
    assertThat(Upnp.ssdpLocation(notify, notify.length)).isEmpty();
  }

  @Test
  void findsWanServicesIpFirstAndResolvesControlUrls() {
    String xml = """
        <root xmlns="urn:schemas-upnp-org:device-1-0"><device><serviceList>
         <service><serviceType>urn:schemas-upnp-org:service:WANPPPConnection:1</serviceType><controlURL>/ppp</controlURL></service>
         <service><serviceType>urn:schemas-upnp-org:service:Layer3Forwarding:1</serviceType><controlURL>/l3f</controlURL></service>
         <service><serviceType> urn:schemas-upnp-org:service:WANIPConnection:2 </serviceType><controlURL>ctl/ip</controlURL></service>
        </serviceList></device></root>""";
    var services = Upnp.services(b(xml), URI.create("http://192.168.1.1:5000/desc/root.xml")).orElseThrow();
    assertThat(services).extracting(Upnp.Service::controlUrl).containsExactly(
        URI.create("http://192.168.1.1:5000/desc/ctl/ip"), URI.create("http://192.168.1.1:5000/ppp"));
    assertThat(services.get(0).serviceType()).isEqualTo("urn:schemas-upnp-org:service:WANIPConnection:2");
    String withBase = "<root><URLBase>http://192.168.1.1:49000/</URLBase><service><serviceType>"
        + "urn:schemas-upnp-org:service:WANIPConnection:1</serviceType><controlURL>/c</controlURL></service></root>";
    assertThat(Upnp.services(b(withBase), URI.create("http://192.168.1.1:5000/x")).orElseThrow())
        .extracting(Upnp.Service::controlUrl).containsExactly(URI.create("http://192.168.1.1:49000/c"));
  }

  @Test
  void refusesDoctypesSoNoEntityIsEverRead() {
    String bomb = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;\">]>"
        + "<root>&lol2;</root>";
    assertThat(Upnp.services(b(bomb), URI.create("http://h/"))).isEmpty();
    String xxe = "<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><r>&x;</r>";
    assertThat(Upnp.soapValue(b(xxe), "r")).isEmpty();
  }

  @Test
  void readsSoapValuesAndFaults() {
    String ok = "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body><u:GetExternalIPAddressResponse "
        + "xmlns:u=\"urn:schemas-upnp-org:service:WANIPConnection:1\"><NewExternalIPAddress>198.51.100.4</NewExternalIPAddress>"
        + "</u:GetExternalIPAddressResponse></s:Body></s:Envelope>";
    assertThat(Upnp.soapValue(b(ok), "NewExternalIPAddress")).hasValue("198.51.100.4");
    String fault = "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body><s:Fault><detail>"
        + "<UPnPError xmlns=\"urn:schemas-upnp-org:control-1-0\"><errorCode>725</errorCode></UPnPError></detail>"
        + "</s:Fault></s:Body></s:Envelope>";
    assertThat(Upnp.soapErrorCode(b(fault))).isEqualTo(725);
    assertThat(Upnp.soapErrorCode(b("not xml"))).isEqualTo(-1);
  }

  @Test
  void soapRequestsEscapeTheirArguments() {
    String body = new String(Upnp.soapRequest("urn:schemas-upnp-org:service:WANIPConnection:1", "AddPortMapping",
        "NewExternalPort", "9993", "NewPortMappingDescription", "a<b>&\"c"), StandardCharsets.UTF_8);
    assertThat(body).contains("<u:AddPortMapping xmlns:u=\"urn:schemas-upnp-org:service:WANIPConnection:1\">"
        + "<NewExternalPort>9993</NewExternalPort><NewPortMappingDescription>a&lt;b&gt;&amp;&quot;c</NewPortMappingDescription>"
        + "</u:AddPortMapping>");
    assertThat(Upnp.soapValue(body.getBytes(StandardCharsets.UTF_8), "NewPortMappingDescription")).hasValue("a<b>&\"c");
  }

  @Test
  void externalAddressesAreIpv4LiteralsOnly() {
    assertThat(Upnp.ipv4Literal(" 203.0.113.9 ")).hasValueSatisfying(a -> assertThat(a.getHostAddress()).isEqualTo("203.0.113.9"));
    for (String bad : new String[] {"localhost", "example.com", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1..2.3", "1.2.3.-4", "", "0x7f.0.0.1"}) {
      assertThat(Upnp.ipv4Literal(bad)).as(bad).isEmpty();
    }
  }

  @Property(tries = 500)
  void anyBytesAreParsedOrRefusedWithoutThrowing(@ForAll @Size(max = 3000) byte[] junk) {
    Upnp.ssdpLocation(junk, junk.length);
    Upnp.services(junk, URI.create("http://h/"));
    Upnp.soapErrorCode(junk);
  }
}
