package io.zt4j.controller.store;

import com.fasterxml.jackson.databind.JsonNode;
import io.zt4j.controller.model.Ids;
import io.zt4j.controller.model.Member;
import io.zt4j.controller.model.Network;
import io.zt4j.controller.model.RecordJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The embedded store: one JSON file per network and per member, laid out as ZeroTier One's
 * controller lays them out, so either can read the other's directory:
 *
 * <pre>
 *   controller.d/network/&lt;nwid&gt;.json
 *   controller.d/network/&lt;nwid&gt;/member/&lt;address&gt;.json
 * </pre>
 *
 * <p>Every file is replaced atomically ({@link AtomicFiles}): after a crash each record holds
 * its old or its new content. On open, stale temporary files are removed; a record that cannot
 * be read is renamed {@code <name>.corrupt} (never deleted, never overwritten) and reported in
 * {@link #warnings()}. Reads are served from memory; writes go to disk first and reach
 * memory only once they succeeded. Thread-safe: writes are serialized on the instance.
 */
public final class FileStore implements ControllerStore {
  private static final Pattern NETWORK_FILE = Pattern.compile("[0-9a-f]{16}\\.json");
  private static final Pattern MEMBER_FILE = Pattern.compile("[0-9a-f]{10}\\.json");

  private final Path networksDir;
  private final MemoryStore cache = new MemoryStore();
  private final AtomicFiles.CrashPoint crash;
  private final List<String> warnings = new ArrayList<>();

  private FileStore(Path root, AtomicFiles.CrashPoint crash) {
    this.networksDir = root.resolve("network");
    this.crash = crash;
  }

  /** Opens (creating if needed) the store in {@code controllerDir} (e.g. {@code controller.d}). */
  public static FileStore open(Path controllerDir) throws IOException {
    return open(controllerDir, AtomicFiles.NEVER);
  }

  /** As {@link #open(Path)}, with writes interrupted where {@code crash} throws (tests). */
  public static FileStore open(Path controllerDir, AtomicFiles.CrashPoint crash) throws IOException {
    FileStore s = new FileStore(controllerDir, crash);
    AtomicFiles.createPrivateDirectories(s.networksDir);
    s.load();
    return s;
  }

  /** Problems found (unreadable records and orphaned members set aside), one line each. */
  public synchronized List<String> warnings() {
    return Collections.unmodifiableList(new ArrayList<>(warnings));
  }

  @Override
  public List<Long> networkIds() {
    return cache.networkIds();
  }

  @Override
  public Optional<Network> network(long networkId) {
    return cache.network(networkId);
  }

  @Override
  public List<Member> members(long networkId) {
    return cache.members(networkId);
  }

  @Override
  public Optional<Member> member(long networkId, long address) {
    return cache.member(networkId, address);
  }

  @Override
  public synchronized void putNetwork(Network network) throws IOException {
    String id = network.idString();
    Path oldMembers = networksDir.resolve(id);
    if (cache.network(network.id()).isEmpty() && Files.exists(oldMembers)) {
      // Members left behind (a delete that crashed half-way, or a network file set aside as
      // unreadable) must not join a new network; they are kept aside, not deleted.
      Path aside = unusedSibling(oldMembers, ".orphaned");
      Files.move(oldMembers, aside, StandardCopyOption.ATOMIC_MOVE);
      warnings.add("members of an earlier network " + id + " moved aside to " + aside.getFileName());
    }
    AtomicFiles.write(networksDir.resolve(id + ".json"), bytes(RecordJson.render(network)), crash);
    cache.putNetwork(network);
  }

  @Override
  public synchronized void putMember(Member member) throws IOException {
    if (cache.network(member.networkId()).isEmpty()) {
      throw new IllegalStateException("no network " + Ids.networkId(member.networkId()) + " for this member");
    }
    Path dir = memberDir(member.networkId());
    AtomicFiles.createPrivateDirectories(dir);
    AtomicFiles.write(dir.resolve(member.addressString() + ".json"), bytes(RecordJson.render(member)), crash);
    cache.putMember(member);
  }

  @Override
  public synchronized boolean deleteNetwork(long networkId) throws IOException {
    if (cache.network(networkId).isEmpty()) {
      return false;
    }
    // The network file goes first: once it is gone the members are unreachable orphans, which
    // putNetwork moves aside should the ID be used again.
    Files.deleteIfExists(networksDir.resolve(Ids.networkId(networkId) + ".json"));
    AtomicFiles.forceDirectory(networksDir);
    cache.deleteNetwork(networkId);
    removeTree(networksDir.resolve(Ids.networkId(networkId)));
    return true;
  }

  @Override
  public synchronized boolean deleteMember(long networkId, long address) throws IOException {
    if (cache.member(networkId, address).isEmpty()) {
      return false;
    }
    Path dir = memberDir(networkId);
    Files.deleteIfExists(dir.resolve(Ids.address(address) + ".json"));
    AtomicFiles.forceDirectory(dir);
    cache.deleteMember(networkId, address);
    return true;
  }

  private Path memberDir(long networkId) {
    return networksDir.resolve(Ids.networkId(networkId)).resolve("member");
  }

  private void load() throws IOException {
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(networksDir)) {
      for (Path p : ds) {
        String name = p.getFileName().toString();
        if (AtomicFiles.isTemporary(p)) {
          Files.deleteIfExists(p);
        } else if (NETWORK_FILE.matcher(name).matches() && Files.isRegularFile(p)) {
          Optional<Network> n = read(p).flatMap(RecordJson::readNetwork)
              .filter(x -> (x.idString() + ".json").equals(name));
          if (n.isPresent()) {
            cache.putNetwork(n.get());
          } else {
            setAside(p);
          }
        }
      }
    }
    for (long nwid : cache.networkIds()) {
      Path dir = memberDir(nwid);
      if (!Files.isDirectory(dir)) {
        continue;
      }
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
        for (Path p : ds) {
          String name = p.getFileName().toString();
          if (AtomicFiles.isTemporary(p)) {
            Files.deleteIfExists(p);
          } else if (MEMBER_FILE.matcher(name).matches() && Files.isRegularFile(p)) {
            Optional<Member> m = read(p).flatMap(RecordJson::readMember)
                .filter(x -> x.networkId() == nwid && (x.addressString() + ".json").equals(name));
            if (m.isPresent()) {
              cache.loadMember(m.get());
            } else {
              setAside(p);
            }
          }
        }
      }
    }
  }

  private Optional<JsonNode> read(Path p) {
    try {
      return Optional.ofNullable(RecordJson.MAPPER.readTree(Files.readAllBytes(p)));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private void setAside(Path p) throws IOException {
    Path aside = unusedSibling(p, ".corrupt");
    Files.move(p, aside, StandardCopyOption.ATOMIC_MOVE);
    warnings.add("unreadable record " + p + " set aside as " + aside.getFileName());
  }

  private static Path unusedSibling(Path p, String suffix) {
    Path aside = p.resolveSibling(p.getFileName() + suffix);
    for (int i = 1; Files.exists(aside); i++) {
      aside = p.resolveSibling(p.getFileName() + suffix + "." + i);
    }
    return aside;
  }

  private static byte[] bytes(JsonNode n) {
    return RecordJson.text(n).getBytes(StandardCharsets.UTF_8);
  }

  private static void removeTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    Files.walkFileTree(dir, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.delete(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
        if (e != null) {
          throw e;
        }
        Files.delete(d);
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
