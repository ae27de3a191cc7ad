package io.zt4j.testkit.portmap;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A UPnP Internet Gateway Device on 127.0.0.1 for tests: an SSDP responder (UDP), the device
 * description and a WANIPConnection:1 SOAP endpoint (HTTP), with a port mapping table. It records
 * what it receives and can be told to misbehave (hostile SSDP replies, another description,
 * faults). It shares no code with the client under test.
 */
public final class FakeIgd implements AutoCloseable {
  public static final String SERVICE = "urn:schemas-upnp-org:service:WANIPConnection:1";

  /** A SOAP call received: its action and its {@code New…} arguments. */
  public record Call(String action, Map<String, String> args) {}

  /** A mapping in the table. */
  public record Entry(int externalPort, int internalPort, String client, long lease, String description) {}

  private final DatagramSocket ssdp;
  private final HttpServer http;
  private final Thread ssdpThread;
  private final AtomicInteger ssdpPackets = new AtomicInteger();
  private final AtomicInteger httpRequests = new AtomicInteger();
  private final AtomicInteger evilHits = new AtomicInteger();
  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private final Map<Integer, Entry> table = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<byte[]> ssdpFirst = new ConcurrentLinkedQueue<>();
  private final Set<Integer> conflicts = ConcurrentHashMap.newKeySet();
  private volatile String externalIp = "203.0.113.9";
  private volatile byte[] description;
  private volatile String location;
  private volatile boolean onlyPermanentLeases;
  private volatile byte[] soapOverride;

  /** Binds the SSDP responder and the HTTP server on 127.0.0.1 (free ports) and starts them. */
  public FakeIgd() throws IOException {
    InetAddress lo = InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
    ssdp = new DatagramSocket(new InetSocketAddress(lo, 0));
    http = HttpServer.create(new InetSocketAddress(lo, 0), 16);
    http.createContext("/rootDesc.xml", this::describe);
    http.createContext("/ctl/IPConn", this::control);
    http.createContext("/evil", ex -> {
      evilHits.incrementAndGet();
      reply(ex, 200, "<x/>".getBytes(StandardCharsets.UTF_8));
    });
    http.start();
    location = "http://127.0.0.1:" + httpPort() + "/rootDesc.xml";
    description = defaultDescription("/ctl/IPConn").getBytes(StandardCharsets.UTF_8);
    ssdpThread = new Thread(this::answerSearches, "fake-igd-ssdp");
    ssdpThread.setDaemon(true);
    ssdpThread.start();
  }

  /** Where SSDP searches go (instead of 239.255.255.250:1900). */
  public InetSocketAddress ssdpAddress() {
    return (InetSocketAddress) ssdp.getLocalSocketAddress();
  }

  public int httpPort() {
    return http.getAddress().getPort();
  }

  /** A description with one WANIPConnection:1 service whose control URL is {@code controlPath}. */
  public static String defaultDescription(String controlPath) {
    return """
        <?xml version="1.0"?>
        <root xmlns="urn:schemas-upnp-org:device-1-0">
         <specVersion><major>1</major><minor>0</minor></specVersion>
         <device>
          <deviceType>urn:schemas-upnp-org:device:InternetGatewayDevice:1</deviceType>
          <friendlyName>fake IGD</friendlyName>
          <deviceList><device>
           <deviceType>urn:schemas-upnp-org:device:WANDevice:1</deviceType>
           <deviceList><device>
            <deviceType>urn:schemas-upnp-org:device:WANConnectionDevice:1</deviceType>
            <serviceList><service>
             <serviceType>%s</serviceType>
             <serviceId>urn:upnp-org:serviceId:WANIPConn1</serviceId>
             <controlURL>%s</controlURL>
             <eventSubURL>/evt/IPConn</eventSubURL>
             <SCPDURL>/WANIPCn.xml</SCPDURL>
            </service></serviceList>
           </device></deviceList>
          </device></deviceList>
         </device>
        </root>
        """.formatted(SERVICE, controlPath);
  }

  public int ssdpPackets() {
    return ssdpPackets.get();
  }

  public int httpRequests() {
    return httpRequests.get();
  }

  /** Requests to {@code /evil} (what an external entity in a hostile description would fetch). */
  public int evilHits() {
    return evilHits.get();
  }

  public List<Call> calls() {
    return List.copyOf(calls);
  }

  public List<Call> calls(String action) {
    return calls.stream().filter(c -> c.action().equals(action)).toList();
  }

  public Map<Integer, Entry> table() {
    return Map.copyOf(table);
  }

  public void description(byte[] xml) {
    this.description = xml.clone();
  }

  /** The LOCATION the SSDP responder announces. */
  public void location(String url) {
    this.location = url;
  }

  public void externalIp(String text) {
    this.externalIp = text;
  }

  /** Refuse leases other than 0 with UPnP error 725, like many home routers. */
  public void onlyPermanentLeases(boolean only) {
    this.onlyPermanentLeases = only;
  }

  /** AddPortMapping of this external port fails with 718 (ConflictInMappingEntry). */
  public void conflict(int externalPort) {
    conflicts.add(externalPort);
  }

  /** Answer every SOAP call with HTTP 200 and this body. */
  public void soapOverride(byte[] body) {
    this.soapOverride = body;
  }

  /** Before the real SSDP answer, send these datagrams (all of them, the first time). */
  public void ssdpFirst(byte[]... datagrams) {
    ssdpFirst.addAll(Arrays.asList(datagrams));
  }

  private void answerSearches() {
    byte[] buf = new byte[4096];
    while (!ssdp.isClosed()) {
      DatagramPacket p = new DatagramPacket(buf, buf.length);
      try {
        ssdp.receive(p);
      } catch (IOException e) {
        return;
      }
      ssdpPackets.incrementAndGet();
      String q = new String(p.getData(), 0, p.getLength(), StandardCharsets.US_ASCII);
      if (!q.startsWith("M-SEARCH * HTTP/1.1")) {
        continue;
      }
      Matcher st = Pattern.compile("(?im)^ST:\\s*(\\S+)").matcher(q);
      String target = st.find() ? st.group(1) : "upnp:rootdevice";
      String answer = "HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=120\r\nST: " + target + "\r\nUSN: uuid:fake-igd::" + target
          + "\r\nEXT:\r\nSERVER: fake/1.0 UPnP/1.1 zt4j-test/1\r\nLOCATION: " + location + "\r\n\r\n";
      try {
        for (byte[] bad; (bad = ssdpFirst.poll()) != null; ) {
          ssdp.send(new DatagramPacket(bad, bad.length, p.getSocketAddress()));
        }
        byte[] a = answer.getBytes(StandardCharsets.US_ASCII);
        ssdp.send(new DatagramPacket(a, a.length, p.getSocketAddress()));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void describe(HttpExchange ex) throws IOException {
    httpRequests.incrementAndGet();
    reply(ex, 200, description);
  }

  private void control(HttpExchange ex) throws IOException {
    httpRequests.incrementAndGet();
    byte[] body = ex.getRequestBody().readNBytes(65536);
    String action = String.valueOf(ex.getRequestHeaders().getFirst("SOAPAction")).replace("\"", "");
    action = action.substring(action.indexOf('#') + 1);
    Map<String, String> args = new LinkedHashMap<>();
    Matcher m = Pattern.compile("<(New\\w+)>(.*?)</\\1>", Pattern.DOTALL).matcher(new String(body, StandardCharsets.UTF_8));
    while (m.find()) {
      args.put(m.group(1), m.group(2));
    }
    calls.add(new Call(action, args));
    if (soapOverride != null) {
      reply(ex, 200, soapOverride);
      return;
    }
    switch (action) {
      case "GetExternalIPAddress" -> ok(ex, action, "<NewExternalIPAddress>" + externalIp + "</NewExternalIPAddress>");
      case "AddPortMapping" -> {
        int ext = Integer.parseInt(args.getOrDefault("NewExternalPort", "0"));
        long lease = Long.parseLong(args.getOrDefault("NewLeaseDuration", "0"));
        if (onlyPermanentLeases && lease != 0) {
          fault(ex, 725, "OnlyPermanentLeasesSupported");
        } else if (conflicts.contains(ext)) {
          fault(ex, 718, "ConflictInMappingEntry");
        } else {
          table.put(ext, new Entry(ext, Integer.parseInt(args.getOrDefault("NewInternalPort", "0")),
              args.get("NewInternalClient"), lease, args.get("NewPortMappingDescription")));
          ok(ex, action, "");
        }
      }
      case "DeletePortMapping" -> {
        int ext = Integer.parseInt(args.getOrDefault("NewExternalPort", "0"));
        if (table.remove(ext) == null) {
          fault(ex, 714, "NoSuchEntryInArray");
        } else {
          ok(ex, action, "");
        }
      }
      default -> fault(ex, 401, "Invalid Action");
    }
  }

  private static void ok(HttpExchange ex, String action, String inner) throws IOException {
    String xml = "<?xml version=\"1.0\"?><s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\" "
        + "s:encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\"><s:Body><u:" + action + "Response xmlns:u=\""
        + SERVICE + "\">" + inner + "</u:" + action + "Response></s:Body></s:Envelope>";
    reply(ex, 200, xml.getBytes(StandardCharsets.UTF_8));
  }

  private static void fault(HttpExchange ex, int code, String text) throws IOException {
    String xml = "<?xml version=\"1.0\"?><s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\" "
        + "s:encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\"><s:Body><s:Fault><faultcode>s:Client</faultcode>"
        + "<faultstring>UPnPError</faultstring><detail><UPnPError xmlns=\"urn:schemas-upnp-org:control-1-0\">"
        + "<errorCode>" + code + "</errorCode><errorDescription>" + text + "</errorDescription></UPnPError></detail>"
        + "</s:Fault></s:Body></s:Envelope>";
    reply(ex, 500, xml.getBytes(StandardCharsets.UTF_8));
  }

  private static void reply(HttpExchange ex, int status, byte[] body) throws IOException {
    ex.getResponseHeaders().add("Content-Type", "text/xml; charset=\"utf-8\"");
    ex.sendResponseHeaders(status, body.length);
    try (OutputStream o = ex.getResponseBody()) {
      o.write(body);
    }
  }

  /** Hostile SSDP datagrams: garbage, no LOCATION, a non-http LOCATION, one pointing elsewhere, oversized. */
  public static List<byte[]> hostileSsdpReplies() {
    List<byte[]> out = new ArrayList<>();
    out.add("garbage".getBytes(StandardCharsets.US_ASCII));
    out.add("HTTP/1.1 200 OK\r\nST: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    out.add("HTTP/1.1 200 OK\r\nLOCATION: file:///etc/passwd\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    out.add("HTTP/1.1 200 OK\r\nLOCATION: http://127.0.0.2:1/rootDesc.xml\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    byte[] big = new byte[3000];
    Arrays.fill(big, (byte) 'A');
    out.add(big);
    return out;
  }

  @Override
  public void close() throws InterruptedException {
    ssdp.close();
    http.stop(0);
    ssdpThread.join(2000);
  }
}
