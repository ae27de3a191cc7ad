package io.zt4j.runtime.portmap;

import io.zt4j.runtime.portmap.PortMapCounters.Counter;
import io.zt4j.runtime.portmap.PortMapper.Mapping;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * A NAT-PMP client (RFC 6886) on blocking sockets, for the {@link PortMapper} thread: asks for
 * the external address, then a UDP mapping with the internal port as the suggested external port
 * (the next ones if refused, like ZeroTier One); renews with the port it got; deletes with
 * lifetime 0. Each request is retransmitted with doubling timeouts (§3.1). Replies are accepted
 * only from the gateway's port 5351 and only with the expected opcode; everything else is
 * dropped and counted.
 */
final class NatPmpClient implements PortMapper.Protocol {
  /** Suggested external ports tried (ZeroTier One tries 60; a router that refuses 8 refuses all). */
  static final int PORT_TRIES = 8;

  private final PortMapper.Config config;
  private final PortMapCounters counters;
  private final BooleanSupplier running;
  private volatile DatagramSocket socket;

  NatPmpClient(PortMapper.Config config, PortMapCounters counters, BooleanSupplier running) {
    this.config = config;
    this.counters = counters;
    this.running = running;
  }

  @Override
  public String name() {
    return "NAT-PMP";
  }

  private Optional<InetSocketAddress> gateway() {
    if (config.natPmpGateway() != null) {
      return Optional.of(config.natPmpGateway());
    }
    Optional<InetSocketAddress> gw = DefaultGateway.read().map(a -> new InetSocketAddress(a, NatPmp.SERVER_PORT));
    if (gw.isEmpty()) {
      counters.once("natpmp-gateway", "no IPv4 default gateway in /proc/net/route: NAT-PMP not tried");
    }
    return gw;
  }

  @Override
  public Optional<Mapping> map(int internalPort, int lifetimeSeconds) {
    Optional<InetSocketAddress> gw = gateway();
    if (gw.isEmpty()) {
      return Optional.empty();
    }
    try (DatagramSocket s = open(gw.get())) {
      Optional<NatPmp.Reply> ext = request(s, gw.get(), NatPmp.OP_EXTERNAL_ADDRESS, NatPmp.externalAddressRequest());
      if (ext.isEmpty() || !ext.get().success()) {
        return Optional.empty();
      }
      for (int i = 0; i < PORT_TRIES && running.getAsBoolean(); i++) {
        int suggested = internalPort + i > 65535 ? internalPort + i - 65535 + 1024 : internalPort + i;
        Optional<NatPmp.Reply> r = request(s, gw.get(), NatPmp.OP_MAP_UDP,
            NatPmp.mapUdpRequest(internalPort, suggested, lifetimeSeconds));
        if (r.isEmpty()) {
          return Optional.empty(); // no answer: the gateway stopped talking
        }
        Optional<Mapping> m = mapping(ext.get(), r.get(), internalPort);
        if (m.isPresent()) {
          return m;
        }
      }
    } catch (IOException e) {
      counters.once("natpmp-socket", "NAT-PMP socket: " + e.getMessage());
    }
    return Optional.empty();
  }

  @Override
  public Optional<Mapping> renew(Mapping m, int lifetimeSeconds) {
    Optional<InetSocketAddress> gw = gateway();
    if (gw.isEmpty()) {
      return Optional.empty();
    }
    try (DatagramSocket s = open(gw.get())) {
      Optional<NatPmp.Reply> ext = request(s, gw.get(), NatPmp.OP_EXTERNAL_ADDRESS, NatPmp.externalAddressRequest());
      if (ext.isEmpty() || !ext.get().success()) {
        return Optional.empty();
      }
      return request(s, gw.get(), NatPmp.OP_MAP_UDP,
          NatPmp.mapUdpRequest(m.internalPort(), m.external().getPort(), lifetimeSeconds))
          .flatMap(r -> mapping(ext.get(), r, m.internalPort()));
    } catch (IOException e) {
      counters.once("natpmp-socket", "NAT-PMP socket: " + e.getMessage());
      return Optional.empty();
    }
  }

  @Override
  public boolean unmap(Mapping m) {
    Optional<InetSocketAddress> gw = gateway();
    if (gw.isEmpty()) {
      return false;
    }
    try (DatagramSocket s = open(gw.get())) {
      // §3.4: lifetime 0 and external port 0 delete the mapping of the internal port
      return request(s, gw.get(), NatPmp.OP_MAP_UDP, NatPmp.mapUdpRequest(m.internalPort(), 0, 0))
          .map(r -> r.success() && r.internalPort() == m.internalPort()).orElse(false);
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public void abort() {
    DatagramSocket s = socket;
    if (s != null) {
      s.close();
    }
  }

  private Optional<Mapping> mapping(NatPmp.Reply ext, NatPmp.Reply r, int internalPort) {
    if (!r.success()) {
      return Optional.empty();
    }
    if (r.internalPort() != internalPort || r.externalPort() == 0 || r.lifetimeSeconds() == 0) {
      counters.fail(Counter.NATPMP_MALFORMED, "natpmp-mapping", "NAT-PMP mapping reply for another port or without a port");
      return Optional.empty();
    }
    InetAddress ip = ext.externalAddress();
    if (ip.isAnyLocalAddress()) {
      // §3.2: 0.0.0.0 while the gateway has no external address yet
      counters.once("natpmp-noaddress", "NAT-PMP gateway has no external address yet");
      return Optional.empty();
    }
    return Optional.of(new Mapping(new InetSocketAddress(ip, r.externalPort()), internalPort, r.lifetimeSeconds()));
  }

  /** A socket for talking to {@code gw}: on loopback when the gateway is (tests), else ephemeral. */
  private DatagramSocket open(InetSocketAddress gw) throws IOException {
    InetAddress local = gw.getAddress().isLoopbackAddress() ? gw.getAddress() : null;
    DatagramSocket s = new DatagramSocket(local == null ? new InetSocketAddress(0) : new InetSocketAddress(local, 0));
    socket = s;
    return s;
  }

  /**
   * Sends {@code request} up to {@code requestTries} times, waiting {@code requestTimeoutMillis}
   * then twice as long each time, for a reply with the right opcode from the gateway (one with
   * an error code is counted and returned). Empty when nothing valid came back.
   */
  private Optional<NatPmp.Reply> request(DatagramSocket s, InetSocketAddress gw, int opcode, byte[] request) throws IOException {
    byte[] buf = new byte[NatPmp.MAX_REPLY + 1];
    long timeout = config.requestTimeoutMillis();
    for (int attempt = 0; attempt < config.requestTries(); attempt++, timeout *= 2) {
      s.send(new DatagramPacket(request, request.length, gw));
      counters.add(Counter.NATPMP_REQUESTS);
      long until = System.nanoTime() + timeout * 1_000_000L;
      for (long left; (left = until - System.nanoTime()) > 0; ) {
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        s.setSoTimeout((int) Math.max(1, left / 1_000_000L));
        try {
          s.receive(p);
        } catch (SocketTimeoutException e) {
          break;
        }
        if (!p.getAddress().equals(gw.getAddress()) || p.getPort() != gw.getPort()) {
          counters.fail(Counter.NATPMP_WRONG_SOURCE, "natpmp-source",
              "NAT-PMP reply from " + p.getAddress().getHostAddress() + "/" + p.getPort() + " (not the gateway) dropped");
          continue;
        }
        NatPmp.Decoded d = NatPmp.parse(buf, p.getLength(), opcode);
        if (d.reply() == null) {
          counters.fail(Counter.NATPMP_MALFORMED, "natpmp-" + d.dropReason(), "NAT-PMP reply dropped: " + d.dropReason());
          continue;
        }
        counters.add(Counter.NATPMP_REPLIES);
        if (!d.reply().success()) {
          counters.fail(Counter.NATPMP_ERRORS, "natpmp-result-" + d.reply().resultCode(),
              "NAT-PMP gateway answered: " + NatPmp.resultName(d.reply().resultCode()));
        }
        return Optional.of(d.reply());
      }
    }
    counters.fail(Counter.NATPMP_TIMEOUTS, "natpmp-timeout-" + gw, "no NAT-PMP answer from " + PortMapper.format(gw));
    return Optional.empty();
  }
}
