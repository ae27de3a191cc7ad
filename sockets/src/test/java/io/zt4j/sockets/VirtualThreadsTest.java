package io.zt4j.sockets;

import static org.assertj.core.api.Assertions.assertThat;

import io.zt4j.testkit.ChildJvm;
import io.zt4j.testkit.Environment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Blocking socket calls on virtual threads: 2,000 parked readers must not pin their carriers.
 * The build targets Java 17, so {@link VirtualThreadEchoScenario} runs in a child JVM of a JDK
 * 21+ found by {@link Environment#jdk} ({@code $ZT4J_JDK21_HOME}, else the newest under
 * {@code /usr/lib/jvm}); without one the test is skipped, or fails under {@code CI=true}.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class VirtualThreadsTest {

  @Test
  void twoThousandBlockingEchoesOnVirtualThreads() {
    Path jdk = Environment.jdk(21);
    // Two carriers and no compensation: a reader that pinned its carrier would stall the others.
    List<String> jvm = List.of("-Xmx1g", "-Djdk.virtualThreadScheduler.parallelism=2", "-Djdk.virtualThreadScheduler.maxPoolSize=2");
    ChildJvm.Result r = ChildJvm.run(jdk, jvm, VirtualThreadEchoScenario.class.getName(), List.of("2000"), Duration.ofSeconds(150));
    assertThat(r.exitCode()).as(r.describe()).isZero();
    assertThat(r.output()).as(r.describe()).contains("RESULT echoed=2000/2000 nonVirtual=0 pinned=0");
  }
}
