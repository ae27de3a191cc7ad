package io.zt4j.stack.socket.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * 10,000 concurrent connections on one stack within a 512 MiB heap: {@link TenThousandConnections}
 * runs in a child JVM started with {@code -Xmx512m} (an out-of-memory error there fails this test).
 */
class TcpTenThousandConnectionsIT {
  @Test
  void tenThousandConcurrentConnectionsIn512MiB() throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-Xmx512m", "-XX:+ExitOnOutOfMemoryError", "-cp",
        System.getProperty("java.class.path"), TenThousandConnections.class.getName(), "10000")
        .redirectErrorStream(true).start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes(); // until the child exits
    boolean exited = p.waitFor(5, TimeUnit.MINUTES);
    if (!exited) {
      p.destroyForcibly();
    }
    String text = new String(out, StandardCharsets.UTF_8);
    System.out.print(text);
    assertThat(exited).isTrue();
    assertThat(p.exitValue()).as(text).isZero();
    assertThat(text).contains("OK 10000 concurrent connections (20000 ends) in max heap");
  }
}
