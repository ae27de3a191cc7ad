package io.zt4j.bench.sdk;

import io.zt4j.runtime.EventLoop;
import io.zt4j.runtime.driver.MemoryLink;
import io.zt4j.runtime.driver.StackDriver;
import io.zt4j.service.demo.PrivateNetwork;
import io.zt4j.sockets.ZeroTierNode;
import io.zt4j.sockets.ZeroTierSelectorProvider;
import io.zt4j.stack.Stack;
import io.zt4j.stack.StackConfig;
import io.zt4j.stack.iface.InterfaceConfig;
import io.zt4j.testkit.nio.NioEcho;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The single-threaded Selector echo server ({@link NioEcho}) and its selector load client, the
 * same code on three {@link SelectorProvider}s in one run: the JDK's default over kernel loopback
 * TCP, zt4j's over two user-space stacks joined in memory (stack driver and TCP, no ZeroTier),
 * and zt4j's between two {@link ZeroTierNode}s of a private network over the encrypted protocol
 * on loopback UDP. Rounds alternate the transports.
 *
 * <pre>java -cp bench/target/benchmarks.jar io.zt4j.bench.sdk.NioEchoBench [connections] [requests each] [bytes] [rounds]</pre>
 *
 * Reports requests/s, the round trip of a request (p50/p99) and the CPU time of the whole
 * process per request (both ends are in this JVM).
 */
public final class NioEchoBench {
  private NioEchoBench() {}

  record Transport(SelectorProvider server, SelectorProvider client, InetAddress address) {}

  public static void main(String[] args) throws Exception {
    int connections = args.length > 0 ? Integer.parseInt(args[0]) : 50;
    int requests = args.length > 1 ? Integer.parseInt(args[1]) : 400;
    int bytes = args.length > 2 ? Integer.parseInt(args[2]) : 64;
    int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;

    Map<String, Transport> transports = new LinkedHashMap<>();
    transports.put("jdk-kernel-loopback", new Transport(SelectorProvider.provider(), SelectorProvider.provider(),
        InetAddress.getLoopbackAddress()));

    EventLoop la = new EventLoop("bench-loop-a");
    EventLoop lb = new EventLoop("bench-loop-b");
    StackDriver a = new StackDriver(la, new Stack(StackConfig.of(new SplittableRandom(1))));
    StackDriver b = new StackDriver(lb, new Stack(StackConfig.of(new SplittableRandom(2))));
    MemoryLink.connect(a, InterfaceConfig.of(0x0200_0000_0001L).withAddress("10.77.0.1/24"),
        b, InterfaceConfig.of(0x0200_0000_0002L).withAddress("10.77.0.2/24"));
    transports.put("zt4j-stacks-in-memory", new Transport(new ZeroTierSelectorProvider(b),
        new ZeroTierSelectorProvider(a), InetAddress.getByName("10.77.0.2")));

    PrivateNetwork net = PrivateNetwork.start(Duration.ofSeconds(30));
    ZeroTierNode server = net.member("nio-bench-server").build().start();
    ZeroTierNode client = net.member("nio-bench-client").build().start();
    InetAddress serverIp = null;
    for (ZeroTierNode n : List.of(server, client)) {
      net.authorize(n.nodeId());
      n.join(net.networkId());
    }
    serverIp = server.awaitNetworkReady(net.networkId(), Duration.ofSeconds(60)).ipv4().orElseThrow();
    client.awaitNetworkReady(net.networkId(), Duration.ofSeconds(60));
    transports.put("zt4j-two-nodes-encrypted", new Transport(server.selectorProvider(), client.selectorProvider(),
        serverIp));

    System.out.printf("%d connections x %d requests of %d bytes, one selector thread each side%n", connections,
        requests, bytes);
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    Map<String, List<String>> lines = new LinkedHashMap<>();
    for (int round = 0; round <= rounds; round++) { // round 0 warms up
      for (Map.Entry<String, Transport> e : transports.entrySet()) {
        Transport t = e.getValue();
        try (Selector sel = t.server().openSelector();
            ServerSocketChannel ss = t.server().openServerSocketChannel()
                .bind(new InetSocketAddress(t.address(), 0), 1024)) {
          int port = ((InetSocketAddress) ss.getLocalAddress()).getPort();
          Thread st = new Thread(() -> {
            try {
              NioEcho.serve(sel, ss);
            } catch (Exception ex) {
              ex.printStackTrace();
            }
          }, "nio-echo-server");
          st.start();
          long cpu0 = os.getProcessCpuTime();
          NioEcho.Result r = NioEcho.load(t.client(), new InetSocketAddress(t.address(), port), connections,
              requests, bytes, 300_000);
          long cpu = os.getProcessCpuTime() - cpu0;
          sel.close();
          st.join();
          String line = String.format("%-26s %9.0f req/s  p50 %7.0f µs  p99 %7.0f µs  %6.1f µs CPU/request", e.getKey(),
              r.requestsPerSecond(), r.percentileMicros(50), r.percentileMicros(99), cpu / 1000.0 / r.requests());
          if (round > 0) {
            lines.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(line);
            System.out.println("round " + round + "  " + line);
          }
        }
      }
    }
    client.close();
    server.close();
    net.close();
    la.close();
    lb.close();
  }
}
