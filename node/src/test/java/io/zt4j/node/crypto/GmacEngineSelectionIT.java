package io.zt4j.node.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Which GMAC engine a fresh JVM prefers, with and without the JVM option that opens the JDK's
 * GHASH: a library must work without any option (falling back to the JDK's public GCM API) and
 * take the faster path when the application opens the package. Each case forks a JVM on this
 * test's class path that builds an {@link AesGmacSiv} with the default engine, round-trips a
 * message and prints the engine.
 */
class GmacEngineSelectionIT {
  /** Child JVM: prints the preferred engine after an encrypt/decrypt round trip with it. */
  public static final class Child {
    public static void main(String[] args) {
      AesGmacSiv siv = new AesGmacSiv(new byte[32], new byte[32]);
      byte[] data = "duplicate packets verify too".getBytes(StandardCharsets.UTF_8);
      byte[] copy = data.clone();
      byte[] tag = new byte[16];
      siv.encrypt(42, new byte[11], 0, 11, copy, 0, copy.length, tag, 0);
      boolean ok = siv.decrypt(tag, 0, new byte[11], 0, 11, copy, 0, copy.length)
          && java.util.Arrays.equals(copy, data);
      System.out.println(siv.engine() + " " + ok + " " + AesGmacSiv.GmacEngine.JDK_GHASH.available());
    }
  }

  private static String run(String... jvmOptions) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.addAll(List.of(jvmOptions));
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(Child.class.getName());
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }

  @Test
  void withoutAnyJvmOptionTheJdkGcmApiIsUsed() throws Exception {
    assertThat(run()).isEqualTo("JDK_GCM true false");
  }

  @Test
  void withTheProviderPackageOpenedTheJdkGhashIsUsed() throws Exception {
    assertThat(run("--add-opens=java.base/com.sun.crypto.provider=ALL-UNNAMED"))
        .isEqualTo("JDK_GHASH true true");
  }
}
