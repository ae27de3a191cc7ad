package io.zt4j.runtime.portmap;

import java.io.ByteArrayInputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * UPnP IGD messages (UPnP Device Architecture 1.1; WANIPConnection:1/2 and WANPPPConnection:1
 * service templates): the SSDP search and its response, the device description, and the SOAP
 * actions ZeroTier One's miniupnpc uses. Everything read comes from the LAN and is untrusted:
 * sizes are limited by the caller, XML is parsed with DOCTYPEs refused (so no entity of any kind,
 * external or expanding, is ever read), and values are checked before use.
 */
final class Upnp {
  /** Largest SSDP response datagram read. */
  static final int MAX_SSDP_BYTES = 2048;
  /** Largest device description fetched (real ones are 2–10 KB). */
  static final int MAX_DESCRIPTION_BYTES = 64 * 1024;
  /** Largest SOAP response read. */
  static final int MAX_SOAP_BYTES = 16 * 1024;
  static final String ST_IGD1 = "urn:schemas-upnp-org:device:InternetGatewayDevice:1";
  static final String ST_IGD2 = "urn:schemas-upnp-org:device:InternetGatewayDevice:2";
  static final String WAN_IP = "urn:schemas-upnp-org:service:WANIPConnection:";
  static final String WAN_PPP = "urn:schemas-upnp-org:service:WANPPPConnection:";
  /** UPnP error 725: the router only does permanent (lease 0) mappings. */
  static final int ERROR_ONLY_PERMANENT_LEASES = 725;

  private Upnp() {}

  /** A WAN connection service of a gateway: where to send its SOAP actions. */
  record Service(String serviceType, URI controlUrl) {}

  /** §1.3.2: the M-SEARCH request (MX 2 s, one search target). */
  static byte[] mSearch(String hostHeader, String searchTarget) {
    return ("M-SEARCH * HTTP/1.1\r\n"
        + "HOST: " + hostHeader + "\r\n"
        + "MAN: \"ssdp:discover\"\r\n"
        + "MX: 2\r\n"
        + "ST: " + searchTarget + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * The LOCATION of an SSDP search response ({@code HTTP/1.1 200 OK} and headers), or empty with
   * the datagram malformed. Only absolute http URLs count.
   */
  static Optional<URI> ssdpLocation(byte[] b, int length) {
    String text = new String(b, 0, Math.min(length, b.length), StandardCharsets.ISO_8859_1);
    String[] lines = text.split("\r?\n", 64);
    if (lines.length < 2 || !lines[0].startsWith("HTTP/1.") || !lines[0].contains(" 200")) {
      return Optional.empty();
    }
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0 && lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("location")) {
        try {
          URI u = new URI(lines[i].substring(colon + 1).trim());
          if ("http".equals(u.getScheme()) && u.getHost() != null) {
            return Optional.of(u);
          }
        } catch (URISyntaxException e) {
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }

  /**
   * The WAN connection services of a device description, WANIPConnection first, their control
   * URLs resolved against {@code URLBase} or {@code location}. Empty if it is not well-formed
   * XML (a DOCTYPE counts as not well-formed here).
   */
  static Optional<List<Service>> services(byte[] xml, URI location) {
    Optional<Document> doc = parse(xml);
    if (doc.isEmpty()) {
      return Optional.empty();
    }
    URI base = location;
    String urlBase = firstText(doc.get().getDocumentElement(), "URLBase");
    if (urlBase != null && !urlBase.isBlank()) {
      try {
        base = new URI(urlBase.trim());
      } catch (URISyntaxException e) {
        return Optional.empty();
      }
    }
    List<Service> ip = new ArrayList<>();
    List<Service> ppp = new ArrayList<>();
    NodeList services = doc.get().getElementsByTagNameNS("*", "service");
    for (int i = 0; i < services.getLength() && i < 64; i++) {
      Element s = (Element) services.item(i);
      String type = firstText(s, "serviceType");
      String control = firstText(s, "controlURL");
      if (type == null || control == null) {
        continue;
      }
      type = type.trim();
      boolean isIp = type.startsWith(WAN_IP);
      if (!isIp && !type.startsWith(WAN_PPP)) {
        continue;
      }
      try {
        URI u = base.resolve(new URI(control.trim()));
        (isIp ? ip : ppp).add(new Service(type, u));
      } catch (URISyntaxException | IllegalArgumentException e) {
        // a bad URL: skip this service
      }
    }
    ip.addAll(ppp);
    return Optional.of(ip);
  }

  /** A SOAP request body for {@code action} of {@code serviceType} with its arguments in order. */
  static byte[] soapRequest(String serviceType, String action, String... namesAndValues) {
    StringBuilder sb = new StringBuilder();
    sb.append("<?xml version=\"1.0\"?>\r\n")
        .append("<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\" ")
        .append("s:encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\"><s:Body>")
        .append("<u:").append(action).append(" xmlns:u=\"").append(escape(serviceType)).append("\">");
    for (int i = 0; i + 1 < namesAndValues.length; i += 2) {
      sb.append('<').append(namesAndValues[i]).append('>').append(escape(namesAndValues[i + 1]))
          .append("</").append(namesAndValues[i]).append('>');
    }
    sb.append("</u:").append(action).append("></s:Body></s:Envelope>\r\n");
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** The text of element {@code name} anywhere in a SOAP response, or empty (also if not XML). */
  static Optional<String> soapValue(byte[] xml, String name) {
    return parse(xml).map(d -> firstText(d.getDocumentElement(), name));
  }

  /** The UPnP error code of a SOAP fault ({@code UPnPError/errorCode}), or -1. */
  static int soapErrorCode(byte[] xml) {
    Optional<String> code = soapValue(xml, "errorCode");
    if (code.isEmpty()) {
      return -1;
    }
    try {
      return Integer.parseInt(code.get().trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /**
   * A dotted-quad IPv4 literal, strictly (never a host name: nothing is resolved), or empty.
   */
  static Optional<Inet4Address> ipv4Literal(String s) {
    if (s == null) {
      return Optional.empty();
    }
    String[] parts = s.trim().split("\\.", -1);
    if (parts.length != 4) {
      return Optional.empty();
    }
    byte[] ip = new byte[4];
    for (int i = 0; i < 4; i++) {
      if (parts[i].isEmpty() || parts[i].length() > 3 || !parts[i].chars().allMatch(c -> c >= '0' && c <= '9')) {
        return Optional.empty();
      }
      int v = Integer.parseInt(parts[i]);
      if (v > 255) {
        return Optional.empty();
      }
      ip[i] = (byte) v;
    }
    try {
      return Optional.of((Inet4Address) InetAddress.getByAddress(ip));
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }

  /** Parses untrusted XML: no DOCTYPE, no entities, no XInclude, no external anything. */
  static Optional<Document> parse(byte[] xml) {
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setNamespaceAware(true);
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      f.setFeature("http://xml.org/sax/features/external-general-entities", false);
      f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
      f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
      f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
      f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
      f.setXIncludeAware(false);
      f.setExpandEntityReferences(false);
      DocumentBuilder b = f.newDocumentBuilder();
      b.setErrorHandler(new org.xml.sax.ErrorHandler() {
        @Override
        public void warning(org.xml.sax.SAXParseException e) {}

        @Override
        public void error(org.xml.sax.SAXParseException e) throws org.xml.sax.SAXException {
          throw e;
        }

        @Override
        public void fatalError(org.xml.sax.SAXParseException e) throws org.xml.sax.SAXException {
          throw e;
        }
      });
      b.setEntityResolver((publicId, systemId) -> {
        throw new org.xml.sax.SAXException("external entity refused: " + systemId);
      });
      return Optional.of(b.parse(new ByteArrayInputStream(xml)));
    } catch (Exception e) {
      // not well-formed, a DOCTYPE, or the parser refused something: all the same to us
      return Optional.empty();
    }
  }

  private static String firstText(Element in, String localName) {
    NodeList l = in.getElementsByTagNameNS("*", localName);
    if (l.getLength() == 0) {
      return null;
    }
    Node n = l.item(0);
    String t = n.getTextContent();
    return t == null || t.length() > 2048 ? null : t;
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
