package io.zt4j.service.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code zt4j demo} in this JVM: every step passes and is reported; a step that cannot pass is named. */
class DemoCommandIT {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    var cl = Zt4jCommand.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }

  @Test
  void theDemoRunsEveryStepAndExitsZero() {
    long t0 = System.nanoTime();
    int rc = run("demo");
    String text = out.toString();
    System.out.println(text);
    assertThat(rc).as(text + err).isZero();
    long okSteps = text.lines().filter(l -> l.matches("\\s+ok\\s+\\d+\\.\\d\\d s .*")).count();
    assertThat(okSteps).isEqualTo(DemoCommand.STEPS);
    assertThat(text)
        .contains("[1/8] root and controller")
        .containsPattern("controller [0-9a-f]{10} serves private network [0-9a-f]{16}")
        .containsPattern("a: 10\\.147\\.17\\.\\d+/24 fd[0-9a-f:]+/88 fc[0-9a-f:]+/40")
        .containsPattern("10\\.147\\.17\\.\\d+: 3 replies")
        .containsPattern("'hello from [0-9a-f]{10}' echoed by 10\\.147\\.17\\.\\d+:7")
        .containsPattern("100 MB in \\d+\\.\\d\\d s = \\d+ Mbit/s, SHA-256 [0-9a-f]{16}… matches on both ends")
        .containsPattern("100 datagrams of 1000 bytes to 10\\.147\\.17\\.\\d+:9000, \\d+ echoed")
        .contains("a reached b directly over 127.0.0.1/")
        .containsPattern("demo OK in \\d+\\.\\d s");
    // not a terminal: progress as plain lines, no carriage returns
    assertThat(text).doesNotContain("\r").contains(" 25%").contains(" 75%");
    Matcher m = Pattern.compile("= (\\d+) Mbit/s").matcher(text);
    assertThat(m.find()).isTrue();
    assertThat(Integer.parseInt(m.group(1))).isPositive();
    assertThat((System.nanoTime() - t0) / 1_000_000_000L).as("well under a minute").isLessThan(60);
    // every thread the demo started is gone (nodes, controller, root, workers)
    assertThat(liveThreads()).noneMatch(n -> n.startsWith("zt4j-"));
  }

  @Test
  void onATerminalTheTransferShowsABarRedrawnInPlace() {
    int rc = run("demo", "--progress", "bar", "--megabytes", "3");
    String text = out.toString();
    assertThat(rc).as(text).isZero();
    assertThat(text).containsPattern("\r      \\[#* +\\] +\\d{1,2}%  +\\d MB +\\d+ Mbit/s") // drawn during the transfer
        .contains("\r      [" + "#".repeat(30) + "] 100%")
        .containsPattern("3 MB in \\d+\\.\\d\\d s = \\d+ Mbit/s");
  }

  @Test
  void aFailingStepIsNamedAndTheExitStatusIsOne() {
    // no time at all to reach the root: the controller (step 1) or the nodes (step 2) cannot be
    // online yet, so that step must fail, cleanly, naming the root it waited for
    int rc = run("demo", "--step-timeout", "0");
    String text = out.toString();
    assertThat(rc).as(text).isEqualTo(1);
    assertThat(text).contains("[1/8] root and controller").contains("FAILED after")
        .containsPattern("demo FAILED at step (1/8 \\(root and controller: a private planet and a network\\)"
            + "|2/8 \\(two nodes start and go online\\)): .*127\\.0\\.0\\.1/\\d+");
    assertThat(text).doesNotContain("[3/8]");
    assertThat(liveThreads()).noneMatch(n -> n.startsWith("zt4j-"));
  }

  private static List<String> liveThreads() {
    // give closed loops a moment to finish
    for (int i = 0; i < 50; i++) {
      List<String> names = Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
          .map(Thread::getName).filter(n -> n.startsWith("zt4j-")).toList();
      if (names.isEmpty()) {
        return names;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return Thread.getAllStackTraces().keySet().stream().map(Thread::getName).toList();
  }
}
