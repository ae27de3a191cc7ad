package io.zt4j.sockets;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The test's handle on a {@link NodeAgent}: in a child JVM (started with this JVM's classpath,
 * ended by its PID in {@link #close()}) or on threads of this JVM. Commands and replies as
 * {@link NodeAgent} describes.
 */
final class AgentPeer implements AutoCloseable {
  private final Process process; // null in-process
  private final NodeAgent inProcess; // null in a child
  private final ZeroTierNode ownNode; // in-process: the node the agent drives
  private final Consumer<String> send;
  private final Map<String, BlockingQueue<String>> replies = new ConcurrentHashMap<>();
  private final BlockingQueue<String> startup = new LinkedBlockingQueue<>();
  private final List<String> transcript = new ArrayList<>();
  private final AtomicInteger ids = new AtomicInteger();
  volatile String nodeId;
  /** The UDP port the node is bound to. */
  volatile int udpPort;

  private AgentPeer(Process process, NodeAgent agent, ZeroTierNode node, Consumer<String> send, String nodeId) {
    this.process = process;
    this.inProcess = agent;
    this.ownNode = node;
    this.send = send;
    this.nodeId = nodeId;
  }

  /** A reply: the word ({@code OK}, {@code ERR}, {@code LISTENING}…) and the rest of the line. */
  record Reply(String word, String text) {
    String[] fields() {
      return text.split(" ");
    }
  }

  /** A command under way. */
  final class Call {
    final String id;
    final String command;

    Call(String id, String command) {
      this.id = id;
      this.command = command;
    }

    /** The next line for this command. */
    Reply next(Duration timeout) throws InterruptedException {
      String line = queue(id).poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (line == null) {
        throw new AssertionError("no reply to '" + command + "' within " + timeout + " from " + AgentPeer.this);
      }
      int sp = line.indexOf(' ');
      return sp < 0 ? new Reply(line, "") : new Reply(line.substring(0, sp), line.substring(sp + 1));
    }

    /** Waits for an intermediate line with this word. */
    void expect(String word, Duration timeout) throws InterruptedException {
      Reply r = next(timeout);
      if (!r.word().equals(word)) {
        throw new AssertionError("'" + command + "': expected " + word + ", got " + r + "\n" + transcript());
      }
    }

    /** The last line ({@code OK} or {@code ERR}). */
    Reply end(Duration timeout) throws InterruptedException {
      while (true) {
        Reply r = next(timeout);
        if (r.word().equals("OK") || r.word().equals("ERR")) {
          return r;
        }
      }
    }

    /** The result of an {@code OK}; an {@code ERR} fails the test. */
    String ok(Duration timeout) throws InterruptedException {
      Reply r = end(timeout);
      if (!r.word().equals("OK")) {
        throw new AssertionError("'" + command + "' failed: " + r.text() + "\n" + transcript());
      }
      return r.text();
    }
  }

  /** Starts a command. */
  Call call(String command) {
    String id = "c" + ids.incrementAndGet();
    queue(id);
    send.accept(id + " " + command);
    return new Call(id, command);
  }

  /** Runs a command to its end. */
  String ok(String command, Duration timeout) throws InterruptedException {
    return call(command).ok(timeout);
  }

  private BlockingQueue<String> queue(String id) {
    return replies.computeIfAbsent(id, k -> new LinkedBlockingQueue<>());
  }

  private void received(String line) {
    synchronized (transcript) {
      transcript.add(line);
      if (transcript.size() > 200) {
        transcript.remove(0);
      }
    }
    int sp = line.indexOf(' ');
    String first = sp < 0 ? line : line.substring(0, sp);
    if (first.matches("c[0-9]+")) {
      queue(first).add(line.substring(sp + 1));
    } else {
      startup.add(line);
    }
  }

  /** The last lines the agent printed (for assertion messages). */
  String transcript() {
    synchronized (transcript) {
      return String.join("\n", transcript);
    }
  }

  /** A child JVM's process (null in-process). */
  Process process() {
    return process;
  }

  /** Drives {@code node} (started, online) on threads of this JVM. */
  static AgentPeer inProcess(ZeroTierNode node) {
    AgentPeer[] self = new AgentPeer[1];
    NodeAgent agent = new NodeAgent(node, line -> self[0].received(line));
    self[0] = new AgentPeer(null, agent, node, agent::handle, node.nodeId());
    self[0].udpPort = node.localAddresses().get(0).getPort();
    return self[0];
  }

  /**
   * Starts a child JVM running {@link NodeAgent#main} on {@code planet} (and {@code storage},
   * or in memory if null; UDP on 127.0.0.1:{@code udpPort}, 0 for a free port) and waits for its
   * node to be online.
   *
   * @throws StartFailed if the child's node did not start; it carries the child's first line
   */
  static AgentPeer child(Path planet, Path storage, String name, String maxHeap, int udpPort)
      throws IOException, InterruptedException, StartFailed {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx" + maxHeap);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(NodeAgent.class.getName());
    cmd.add(planet.toString());
    cmd.add(storage == null ? "-" : storage.toString());
    cmd.add(name);
    cmd.add(Integer.toString(udpPort));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    OutputStream stdin = p.getOutputStream();
    Consumer<String> send = line -> {
      synchronized (stdin) {
        try {
          stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
          stdin.flush();
        } catch (IOException e) {
          throw new IllegalStateException("child " + name + " (pid " + p.pid() + ") gone: " + e.getMessage(), e);
        }
      }
    };
    AgentPeer peer = new AgentPeer(p, null, null, send, null);
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          peer.received(line);
        }
      } catch (IOException ignored) {
        // the child ended
      }
      peer.startup.add("EXITED");
    }, "agent-" + name + "-stdout");
    reader.setDaemon(true);
    reader.start();
    try {
      while (true) {
        String line = peer.startup.poll(90, TimeUnit.SECONDS);
        if (line == null) {
          throw new AssertionError("child " + name + " not online within 90 s:\n" + peer.transcript());
        }
        if (line.startsWith("NODE ")) {
          String[] f = line.split(" ");
          peer.nodeId = f[1];
          peer.udpPort = Integer.parseInt(f[2]);
          return peer;
        }
        if (line.startsWith("START-FAILED ") || line.equals("EXITED")) {
          p.waitFor(10, TimeUnit.SECONDS);
          throw new StartFailed(line, p.isAlive() ? -1 : p.exitValue(), peer.transcript());
        }
      }
    } catch (RuntimeException | Error | InterruptedException | StartFailed e) {
      p.destroyForcibly();
      throw e;
    }
  }

  /** The child's node did not start: its first line ({@code START-FAILED <class> <message>}) and exit code. */
  static final class StartFailed extends Exception {
    final String line;
    final int exitCode;

    StartFailed(String line, int exitCode, String transcript) {
      super(line + " (exit code " + exitCode + ")\n" + transcript);
      this.line = line;
      this.exitCode = exitCode;
    }
  }

  /** Kills the child JVM (by its PID) without letting it save anything: a crash. */
  void kill() throws InterruptedException {
    if (process != null) {
      process.destroyForcibly();
      process.waitFor(20, TimeUnit.SECONDS);
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process != null) {
      try {
        send.accept("exit");
      } catch (RuntimeException ignored) {
        // already gone
      }
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } else {
      inProcess.close();
      ownNode.close();
    }
  }

  @Override
  public String toString() {
    return process != null ? "child JVM pid " + process.pid() + " node " + nodeId : "in-process node " + nodeId;
  }
}
