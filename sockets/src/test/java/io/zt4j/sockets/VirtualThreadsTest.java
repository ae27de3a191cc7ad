package io.zt4j.sockets;

import static io.zt4j.sockets.StackPair.B4;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

/**
 * Blocking socket calls on virtual threads (Java 21+ runtimes; the build compiles for 17, so
 * the executor is looked up reflectively): thousands of parked readers must not pin carriers.
 */
@EnabledForJreRange(min = JRE.JAVA_21)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class VirtualThreadsTest {
  final StackPair net = new StackPair();

  @AfterEach
  void close() {
    net.close();
  }

  @Test
  void twoThousandBlockingEchoesOnVirtualThreads() throws Exception {
    int n = 2000;
    ExecutorService vts = (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
    try (ServerSocket ss = new ZeroTierServerSocket(net.b, 7070, n, null)) {
      vts.submit(() -> {
        for (int i = 0; i < n; i++) {
          Socket s = ss.accept();
          vts.submit(() -> {
            try (s) {
              int b = s.getInputStream().read(); // parks until the client writes
              s.getOutputStream().write(b);
            }
            return null;
          });
        }
        return null;
      });
      List<Future<Integer>> echoes = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int v = i & 0x7F;
        echoes.add(vts.submit(() -> {
          try (Socket c = new ZeroTierSocket(net.a)) {
            c.connect(new InetSocketAddress(B4, 7070), 20_000);
            Thread.sleep(200); // all connections are open and their server readers parked
            c.getOutputStream().write(v);
            return c.getInputStream().read() == v ? 1 : 0;
          }
        }));
      }
      int ok = 0;
      for (Future<Integer> f : echoes) {
        ok += f.get(100, TimeUnit.SECONDS);
      }
      assertThat(ok).isEqualTo(n);
    } finally {
      vts.shutdownNow();
    }
  }
}
