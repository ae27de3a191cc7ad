package io.zt4j.runtime.portmap;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Asks the LAN's router to forward a UDP port to this host, opt-in (ZeroTier One's
 * {@code PortMapper}, which it runs with libnatpmp and miniupnpc): NAT-PMP (RFC 6886) first, UPnP
 * IGD if that fails, and the mapped external address becomes an address the node advertises to
 * peers (PUSH_DIRECT_PATHS), as ZeroTier One adds it with {@code addLocalInterfaceAddress}.
 *
 * <h2>Thread</h2>
 *
 * Runs on its own daemon thread with blocking sockets and short timeouts, so the node loop never
 * waits on a router. The external address is handed to {@code onExternalAddress} on that thread
 * (the runner posts it to the loop). {@link #close} stops the thread, deleting the mapping on the
 * way out (ZeroTier One leaves it to expire).
 *
 * <h2>Cycle</h2>
 *
 * <ol>
 *   <li>try each protocol in turn; the first that maps the port wins (its external address is
 *       published);
 *   <li>renew at half the granted lifetime (RFC 6886 §3.3; UPnP leases alike); a failed renewal
 *       withdraws the address and starts over;
 *   <li>when nothing works, wait (0.5 s doubling to 30 s, ZeroTier One's back-off) and retry.
 * </ol>
 *
 * Every reply is untrusted LAN input: parsers are bounded, bad replies are dropped and counted
 * ({@link PortMapCounters}), failures are logged once and never stop the node.
 */
public final class PortMapper implements AutoCloseable {
  /** SSDP's multicast group and port (UPnP Device Architecture 1.1 §1.3.2). */
  public static final InetSocketAddress SSDP_MULTICAST = new InetSocketAddress(ipv4(239, 255, 255, 250), 1900);

  /**
   * Where to look for the router and how long mappings live. {@code natPmpGateway} null means
   * the default gateway from {@code /proc/net/route} at port 5351; {@code ssdpTarget} is
   * {@link #SSDP_MULTICAST} by default. Tests point both at fakes on 127.0.0.1.
   *
   * @param lifetimeSeconds requested lifetime (default 600 s: ZeroTier One asks for twice its
   *     300 s refresh period)
   * @param requestTimeoutMillis first wait for a reply; NAT-PMP doubles it per retransmission
   *     (RFC 6886 §3.1 starts at 250 ms)
   * @param requestTries datagrams sent per NAT-PMP request (RFC 6886 allows up to 9; fewer keep a
   *     missing router from holding the thread for a minute)
   * @param retryMaxMillis longest wait between rounds that mapped nothing
   */
  public record Config(InetSocketAddress natPmpGateway, InetSocketAddress ssdpTarget, boolean natPmp, boolean upnp,
      int lifetimeSeconds, int requestTimeoutMillis, int requestTries, long retryMaxMillis) {
    public Config {
      if (lifetimeSeconds < 2 || requestTimeoutMillis < 1 || requestTries < 1 || retryMaxMillis < 1) {
        throw new IllegalArgumentException("bad port mapping config");
      }
      Objects.requireNonNull(ssdpTarget, "ssdpTarget");
    }

    /** Production: the default gateway, SSDP multicast, NAT-PMP then UPnP, 600 s mappings. */
    public static Config defaults() {
      return new Config(null, SSDP_MULTICAST, true, true, 600, 250, 4, 30_000);
    }

    public Config withNatPmpGateway(InetSocketAddress gateway) {
      return new Config(gateway, ssdpTarget, natPmp, upnp, lifetimeSeconds, requestTimeoutMillis, requestTries, retryMaxMillis);
    }

    public Config withSsdpTarget(InetSocketAddress target) {
      return new Config(natPmpGateway, target, natPmp, upnp, lifetimeSeconds, requestTimeoutMillis, requestTries, retryMaxMillis);
    }

    /** Which protocols to try. */
    public Config withProtocols(boolean natPmp, boolean upnp) {
      return new Config(natPmpGateway, ssdpTarget, natPmp, upnp, lifetimeSeconds, requestTimeoutMillis, requestTries, retryMaxMillis);
    }

    public Config withLifetimeSeconds(int seconds) {
      return new Config(natPmpGateway, ssdpTarget, natPmp, upnp, seconds, requestTimeoutMillis, requestTries, retryMaxMillis);
    }

    public Config withTimeouts(int requestTimeoutMillis, int requestTries, long retryMaxMillis) {
      return new Config(natPmpGateway, ssdpTarget, natPmp, upnp, lifetimeSeconds, requestTimeoutMillis, requestTries, retryMaxMillis);
    }
  }

  /** A port forwarded by the router: reach {@code external} to reach our {@code internalPort}. */
  public record Mapping(InetSocketAddress external, int internalPort, long lifetimeSeconds) {}

  /** One way to ask a router for a mapping. Called on the mapper thread only. */
  interface Protocol {
    String name();

    /** Maps {@code internalPort} (the external port as close to it as the router allows). */
    Optional<Mapping> map(int internalPort, int lifetimeSeconds);

    /** Extends {@code m}; empty if the router no longer keeps it. */
    Optional<Mapping> renew(Mapping m, int lifetimeSeconds);

    /** Deletes {@code m}; true if the router confirmed. */
    boolean unmap(Mapping m);

    /** Unblocks a request in progress (called from the closing thread). */
    void abort();
  }

  private static final long RETRY_MIN_MILLIS = 500;

  private final Config config;
  private final int internalPort;
  private final Consumer<Optional<InetSocketAddress>> onExternalAddress;
  private final PortMapCounters counters;
  private final List<Protocol> protocols;
  private final Thread thread;
  private final Object sleep = new Object();
  private volatile boolean running = true;
  private volatile Optional<InetSocketAddress> external = Optional.empty();
  private volatile Protocol active;
  private final Object abortLock = new Object();
  private boolean deleting;

  /**
   * Starts mapping UDP port {@code internalPort} of this host.
   *
   * @param description what the router shows for the mapping (UPnP), e.g. ZeroTier One's
   *     {@code ZeroTier/<address>@<port>}
   */
  public PortMapper(Config config, int internalPort, String description, Consumer<Optional<InetSocketAddress>> onExternalAddress) {
    if (internalPort < 1 || internalPort > 65535) {
      throw new IllegalArgumentException("port out of range: " + internalPort);
    }
    this.config = Objects.requireNonNull(config);
    this.internalPort = internalPort;
    this.onExternalAddress = Objects.requireNonNull(onExternalAddress);
    this.counters = new PortMapCounters();
    this.protocols = new ArrayList<>();
    if (config.natPmp()) {
      protocols.add(new NatPmpClient(config, counters, () -> running));
    }
    if (config.upnp()) {
      protocols.add(new UpnpClient(config, counters, description, () -> running));
    }

    thread = new Thread(this::run, "zt4j-portmap-" + internalPort);
    thread.setDaemon(true);
    thread.start();
  }

  /** The mapped external address, while there is one. Any thread. */
  public Optional<InetSocketAddress> external() {
    return external;
  }

  public PortMapCounters counters() {
    return counters;
  }

  /** The local UDP port being mapped. */
  public int internalPort() {
    return internalPort;
  }

  private void run() {
    Mapping current = null;
    long retry = RETRY_MIN_MILLIS;
    try {
      while (running) {
        if (current == null) {
          for (Protocol p : protocols) {
            if (!running) {
              break;
            }
            active = p;
            Optional<Mapping> m = safely(() -> p.map(internalPort, config.lifetimeSeconds()));
            if (m.isPresent()) {
              current = m.get();
              counters.add(PortMapCounters.Counter.MAPPINGS);
              counters.info(p.name() + " mapped UDP " + internalPort + " to " + format(current.external()));
              publish(Optional.of(current.external()));
              break;
            }
          }
          if (current == null) {
            if (running) {
              counters.fail(PortMapCounters.Counter.FAILURES, "nothing",
                  "no router mapped UDP " + internalPort + " (NAT-PMP/UPnP); retrying quietly");
              pause(retry);
              retry = Math.min(retry * 2, config.retryMaxMillis());
            }
            continue;
          }
          retry = RETRY_MIN_MILLIS;
        }
        pause(Math.max(1000L, current.lifetimeSeconds() * 1000 / 2));
        if (!running) {
          break;
        }
        Mapping m0 = current;
        Protocol p = active;
        Optional<Mapping> renewed = safely(() -> p.renew(m0, config.lifetimeSeconds()));
        if (renewed.isPresent()) {
          counters.add(PortMapCounters.Counter.RENEWALS);
          if (!renewed.get().external().equals(current.external())) {
            publish(Optional.of(renewed.get().external()));
          }
          current = renewed.get();
        } else if (running) {
          counters.fail(PortMapCounters.Counter.RENEWAL_FAILURES, "renew-" + p.name(),
              p.name() + " did not renew the mapping of UDP " + internalPort + "; mapping again");
          current = null;
          publish(Optional.empty());
        }
      }
    } finally {
      synchronized (abortLock) {
        deleting = true; // no abort() from now on: the deletion must get its chance
      }
      if (current != null) {
        Mapping m = current;
        Protocol p = active;
        if (safely(() -> Optional.of(p.unmap(m))).orElse(false)) {
          counters.add(PortMapCounters.Counter.DELETIONS);
        }
        publish(Optional.empty());
      }
    }
  }

  /** A protocol step that must not end the thread, whatever a hostile reply makes it do. */
  private <T> Optional<T> safely(java.util.function.Supplier<Optional<T>> step) {
    try {
      return step.get();
    } catch (RuntimeException e) {
      counters.once("bug-" + e.getClass().getName(), "unexpected " + e);
      return Optional.empty();
    }
  }

  private void publish(Optional<InetSocketAddress> a) {
    external = a;
    try {
      onExternalAddress.accept(a);
    } catch (RuntimeException e) {
      counters.once("listener", "external address listener failed: " + e);
    }
  }

  private void pause(long millis) {
    long until = System.nanoTime() + millis * 1_000_000L;
    synchronized (sleep) {
      for (long left; running && (left = until - System.nanoTime()) > 0; ) {
        try {
          sleep.wait(Math.max(1, left / 1_000_000L));
        } catch (InterruptedException e) {
          running = false;
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  /**
   * Stops: deletes the mapping (a request that gets its answer or times out: at most a few
   * seconds), withdraws the external address, and waits up to {@code waitMillis} for the thread
   * (0: does not wait).
   */
  public void close(long waitMillis) {
    running = false;
    synchronized (sleep) {
      sleep.notifyAll();
    }
    synchronized (abortLock) {
      Protocol p = active;
      if (p != null && !deleting) {
        p.abort();
      }
    }
    if (waitMillis > 0 && Thread.currentThread() != thread) {
      try {
        thread.join(waitMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public void close() {
    close(5000);
  }

  static String format(InetSocketAddress a) {
    return a.getAddress().getHostAddress() + "/" + a.getPort();
  }

  private static InetAddress ipv4(int a, int b, int c, int d) {
    try {
      return InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
