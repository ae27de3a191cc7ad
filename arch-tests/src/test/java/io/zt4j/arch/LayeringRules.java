package io.zt4j.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.lang.ArchRule;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZonedDateTime;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The rules that keep {@code stack} and {@code node} deterministic cores (see
 * docs/ARCHITECTURE.md): they depend on nothing of ours but themselves, and never start threads,
 * open sockets, touch files, or read a clock. Time and randomness come in as arguments.
 */
final class LayeringRules {
  private LayeringRules() {}

  static final String[] CORES = {"io.zt4j.stack..", "io.zt4j.node.."};

  /** {@code stack} knows nothing of ZeroTier nor of the layers above it. */
  static final ArchRule STACK_IS_STANDALONE =
      noClasses()
          .that().resideInAPackage("io.zt4j.stack..")
          .should().dependOnClassesThat().resideInAnyPackage(
              "io.zt4j.node..", "io.zt4j.controller..", "io.zt4j.runtime..",
              "io.zt4j.sockets..", "io.zt4j.service..")
          .because("stack is a deterministic core that depends on nothing of ours");

  /** {@code node} knows nothing of the TCP/IP stack nor of the layers above it. */
  static final ArchRule NODE_IS_STANDALONE =
      noClasses()
          .that().resideInAPackage("io.zt4j.node..")
          .should().dependOnClassesThat().resideInAnyPackage(
              "io.zt4j.stack..", "io.zt4j.controller..", "io.zt4j.runtime..",
              "io.zt4j.sockets..", "io.zt4j.service..")
          .because("node is a deterministic core that depends on nothing of ours");

  /** Only {@code runtime} (and above) owns threads. */
  static final ArchRule CORES_START_NO_THREADS =
      noClasses()
          .that().resideInAnyPackage(CORES)
          .should().dependOnClassesThat().areAssignableTo(Thread.class)
          .orShould().dependOnClassesThat().areAssignableTo(java.util.concurrent.Executor.class)
          .orShould().dependOnClassesThat().belongToAnyOf(
              java.util.concurrent.Executors.class,
              java.util.concurrent.CompletableFuture.class,
              java.util.concurrent.ForkJoinPool.class,
              java.util.Timer.class)
          .because("threads belong to runtime; cores are driven by poll(now)");

  /** Only {@code runtime} opens sockets or touches files. */
  static final ArchRule CORES_DO_NO_IO =
      noClasses()
          .that().resideInAnyPackage(CORES)
          .should().dependOnClassesThat(socketsOrFiles())
          .orShould().callMethod(java.net.InetAddress.class, "getByName", String.class)
          .orShould().callMethod(java.net.InetAddress.class, "getAllByName", String.class)
          .orShould().callMethod(java.net.InetAddress.class, "getLocalHost")
          .because("I/O belongs to runtime; cores take bytes in and hand bytes out");

  /** Time comes in as an argument; randomness from a source the caller supplies. */
  static final ArchRule CORES_READ_NO_CLOCK =
      noClasses()
          .that().resideInAnyPackage(CORES)
          .should().callMethod(System.class, "currentTimeMillis")
          .orShould().callMethod(System.class, "nanoTime")
          .orShould().callMethod(Instant.class, "now")
          .orShould().callMethod(LocalDateTime.class, "now")
          .orShould().callMethod(ZonedDateTime.class, "now")
          .orShould().callMethod(Clock.class, "systemUTC")
          .orShould().callMethod(Clock.class, "systemDefaultZone")
          .orShould().callMethod(Math.class, "random")
          .orShould().dependOnClassesThat().belongToAnyOf(ThreadLocalRandom.class)
          .because("cores are deterministic: time is passed in, so whole networks can be simulated");

  static final ArchRule[] ALL = {
    STACK_IS_STANDALONE, NODE_IS_STANDALONE, CORES_START_NO_THREADS, CORES_DO_NO_IO, CORES_READ_NO_CLOCK
  };

  private static DescribedPredicate<JavaClass> socketsOrFiles() {
    return new DescribedPredicate<>("are sockets, channels or files") {
      @Override
      public boolean test(JavaClass c) {
        String n = c.getName();
        return n.startsWith("java.nio.channels.")
            || n.startsWith("java.nio.file.")
            || n.equals("java.io.File")
            || n.equals("java.io.FileInputStream")
            || n.equals("java.io.FileOutputStream")
            || n.equals("java.io.RandomAccessFile")
            || n.equals("java.io.FileReader")
            || n.equals("java.io.FileWriter")
            || n.equals("java.net.Socket")
            || n.equals("java.net.ServerSocket")
            || n.equals("java.net.DatagramSocket")
            || n.equals("java.net.MulticastSocket")
            || n.equals("java.net.SocketImpl")
            || n.equals("java.net.DatagramSocketImpl")
            || n.equals("java.net.URL")
            || n.equals("java.net.URLConnection")
            || n.equals("java.net.HttpURLConnection")
            || n.startsWith("java.net.http.");
      }
    };
  }
}
