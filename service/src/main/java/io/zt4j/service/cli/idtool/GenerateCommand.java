package io.zt4j.service.cli.idtool;

import io.zt4j.node.identity.Identity;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.random.RandomGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code generate [identity.secret] [identity.public] [vanity]}: a new identity. Without file
 * arguments the secret form goes to stdout (no newline); otherwise the files are written
 * atomically (the secret with mode 0600) and {@code <file> written} is printed for each. With a
 * vanity hex prefix, identities are generated until the address starts with it.
 *
 * <p>Generation usually takes well under a second but has a long tail; after a second a
 * progress line appears on stderr. Ctrl-C cancels cleanly: nothing is written and the exit code
 * is 130.
 */
@Command(name = "generate", description = "Generate a new identity (secret to stdout, or to files).")
final class GenerateCommand implements java.util.concurrent.Callable<Integer> {
  static final int EXIT_CANCELLED = 130;
  private static final long PROGRESS_EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

  @Parameters(arity = "0..*", paramLabel = "[<identity.secret>] [<identity.public>] [<vanity>]")
  List<String> args;

  @Spec CommandSpec spec;

  /** Entropy for the private key; tests may replace it. */
  RandomGenerator random = new SecureRandom();

  /** How long the search runs before progress is shown; tests may shorten it. */
  long progressAfterNanos = TimeUnit.SECONDS.toNanos(1);

  /** Polled between attempts; tests may replace it. Null: Ctrl-C (JVM shutdown) cancels. */
  BooleanSupplier cancelRequested;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<String> a = args == null ? List.of() : args;

    long vanity = 0;
    int vanityBits = 0;
    if (a.size() >= 3) {
      vanity = IdtoolSupport.hexPrefixToLong(a.get(2)) & 0xFF_FFFF_FFFFL;
      vanityBits = Math.min(40, 4 * a.get(2).length());
    }

    AtomicBoolean interrupted = new AtomicBoolean();
    CountDownLatch finished = new CountDownLatch(1);
    Thread hook = null;
    BooleanSupplier cancel = cancelRequested;
    if (cancel == null) {
      // On Ctrl-C the JVM runs shutdown hooks; this one asks the search to stop and waits
      // briefly for it, so the command ends without leaving anything half-done behind.
      hook = new Thread(() -> {
        interrupted.set(true);
        try {
          finished.await(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "idtool-generate-cancel");
      Runtime.getRuntime().addShutdownHook(hook);
      cancel = interrupted::get;
    }
    try {
      Optional<Identity> id = search(vanity, vanityBits, cancel, err);
      if (id.isEmpty()) {
        err.println("generate: cancelled, nothing written");
        err.flush();
        return EXIT_CANCELLED;
      }
      return output(id.get(), a, out, err);
    } finally {
      finished.countDown();
      if (hook != null) {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
          // the JVM is already exiting (Ctrl-C); the hook is running and sees 'finished'
        }
      }
    }
  }

  private Optional<Identity> search(long vanity, int vanityBits, BooleanSupplier cancel, PrintWriter err) {
    Progress progress = new Progress(err, progressAfterNanos);
    try {
      while (true) {
        Optional<Identity> id = Identity.generate(random, attempts -> !cancel.getAsBoolean() && progress.tick());
        if (id.isEmpty()) {
          return id;
        }
        long addr = id.get().address().toLong();
        if ((addr >>> (40 - vanityBits)) == vanity) {
          progress.done();
          if (vanityBits > 0) {
            err.printf("vanity address: found %010x !%n", addr);
            err.flush();
          }
          return id;
        }
        progress.done();
        err.printf("vanity address: tried %010x looking for first %d bits of %010x%n",
            addr, vanityBits, vanity << (40 - vanityBits));
        err.flush();
      }
    } finally {
      progress.done();
    }
  }

  private static int output(Identity id, List<String> a, PrintWriter out, PrintWriter err) {
    if (a.isEmpty()) {
      out.print(id.toString(true));
      out.flush();
      return 0;
    }
    if (!IdtoolSupport.writeFile(Path.of(a.get(0)), id.toString(true).getBytes(StandardCharsets.US_ASCII), true)) {
      err.println("Error writing to " + a.get(0));
      err.flush();
      return 1;
    }
    out.println(a.get(0) + " written");
    out.flush();
    if (a.size() >= 2) {
      if (!IdtoolSupport.writeFile(Path.of(a.get(1)), id.toString(false).getBytes(StandardCharsets.US_ASCII), false)) {
        err.println("Error writing to " + a.get(1));
        err.flush();
        return 1;
      }
      out.println(a.get(1) + " written");
      out.flush();
    }
    return 0;
  }

  /** A progress line on stderr once the search has taken more than a second. */
  private static final class Progress {
    private final PrintWriter err;
    private final long afterNanos;
    private final boolean terminal = System.console() != null;
    private final long startedAt = System.nanoTime();
    private long shownAt;
    private long attempts;
    private boolean shown;

    Progress(PrintWriter err, long afterNanos) {
      this.err = err;
      this.afterNanos = afterNanos;
    }

    /** Counts one attempt; always true (the search goes on). */
    boolean tick() {
      attempts++;
      long now = System.nanoTime();
      if (now - startedAt >= afterNanos && (!shown || now - shownAt >= PROGRESS_EVERY_NANOS)) {
        shown = true;
        shownAt = now;
        String line = String.format("generating identity: %d attempts, %.1f s (Ctrl-C cancels)",
            attempts, (now - startedAt) / 1e9);
        if (terminal) {
          err.print("\r" + line);
        } else {
          err.println(line);
        }
        err.flush();
      }
      return true;
    }

    void done() {
      if (shown && terminal) {
        err.println();
        err.flush();
      }
      shown = false;
    }
  }
}
