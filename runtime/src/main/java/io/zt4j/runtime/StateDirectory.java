package io.zt4j.runtime;

import io.zt4j.node.StateObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A node's state on disk, in ZeroTier One's home layout:
 *
 * <pre>
 *   identity.secret            (mode 0600)
 *   identity.public
 *   planet
 *   moons.d/&lt;16 hex&gt;.moon
 *   peers.d/&lt;10 hex&gt;.peer
 *   networks.d/&lt;16 hex&gt;.conf
 * </pre>
 *
 * <p>Writes are atomic: the bytes go to a temporary file in the same directory, are forced to
 * disk, and the file is renamed over the old one (then the directory is forced), so a crash
 * leaves either the old or the new content, never a torn file. A write of identical content is
 * skipped. Reads are bounded ({@link #MAX_FILE_BYTES}); an unreadable or oversized file is a
 * {@link StateFileException} naming the file, never silently replaced.
 *
 * <p>Thread-safe for distinct objects; the node loop is its only writer in practice.
 */
public final class StateDirectory {
  /** Largest state file read (a network config is at most ~128 KiB; worlds and peers far less). */
  public static final int MAX_FILE_BYTES = 1 << 20;

  private static final Set<PosixFilePermission> SECRET = PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> PUBLIC = PosixFilePermissions.fromString("rw-r--r--");
  private static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");
  private static final AtomicLong TMP_COUNTER = new AtomicLong();

  private final Path home;
  private final boolean posix;

  private StateDirectory(Path home) {
    this.home = home;
    this.posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  }

  /** Opens (creating with mode 0700 if missing) the home directory {@code home}. */
  public static StateDirectory open(Path home) {
    Path abs = home.toAbsolutePath().normalize();
    try {
      if (!Files.isDirectory(abs)) {
        if (Files.exists(abs)) {
          throw new StateFileException(abs, "not a directory");
        }
        Files.createDirectories(abs);
        StateDirectory d = new StateDirectory(abs);
        if (d.posix) {
          Files.setPosixFilePermissions(abs, DIR);
        }
        return d;
      }
    } catch (IOException e) {
      throw new StateFileException(abs, "cannot create: " + e.getMessage(), e);
    }
    return new StateDirectory(abs);
  }

  public Path home() {
    return home;
  }

  /** The file holding {@code type} with {@code id}. */
  public Path fileOf(StateObject type, long id) {
    return switch (type) {
      case IDENTITY_PUBLIC -> home.resolve("identity.public");
      case IDENTITY_SECRET -> home.resolve("identity.secret");
      case PLANET -> home.resolve("planet");
      case MOON -> home.resolve("moons.d").resolve(hex(id, 16) + ".moon");
      case PEER -> home.resolve("peers.d").resolve(hex(id & 0xFFFFFFFFFFL, 10) + ".peer");
      case NETWORK_CONFIG -> home.resolve("networks.d").resolve(hex(id, 16) + ".conf");
    };
  }

  /** The contents of {@code type}/{@code id}, or empty if there is no such file. */
  public Optional<byte[]> read(StateObject type, long id) {
    return readFile(fileOf(type, id));
  }

  /** Reads any file of the home (bounded like state objects); empty if it does not exist. */
  public Optional<byte[]> readFile(Path file) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size > MAX_FILE_BYTES) {
        throw new StateFileException(file, "too large (" + size + " bytes, limit " + MAX_FILE_BYTES + ")");
      }
      ByteBuffer buf = ByteBuffer.allocate((int) size);
      while (buf.hasRemaining() && ch.read(buf) >= 0) {
        // keep reading until full or end of file
      }
      return Optional.of(Arrays.copyOf(buf.array(), buf.position()));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new StateFileException(file, "cannot read: " + e.getMessage(), e);
    }
  }

  /** Atomically replaces {@code type}/{@code id} with {@code data} (skipped if unchanged). */
  public void write(StateObject type, long id, byte[] data) {
    writeFile(fileOf(type, id), data, type == StateObject.IDENTITY_SECRET);
  }

  /** Atomically replaces {@code file} (inside the home) with {@code data}. */
  public void writeFile(Path file, byte[] data, boolean secret) {
    if (data.length > MAX_FILE_BYTES) {
      throw new StateFileException(file, "refusing to write " + data.length + " bytes");
    }
    Path dir = file.getParent();
    try {
      Optional<byte[]> old = readFile(file);
      if (old.isPresent() && Arrays.equals(old.get(), data)) {
        if (secret && posix && !Files.getPosixFilePermissions(file).equals(SECRET)) {
          Files.setPosixFilePermissions(file, SECRET);
        }
        return;
      }
    } catch (StateFileException | IOException e) {
      // An unreadable old file is replaced below; the write itself reports real failures.
    }
    Path tmp = dir.resolve("." + file.getFileName() + ".tmp" + ProcessHandle.current().pid() + "-" + TMP_COUNTER.incrementAndGet());
    try {
      Files.createDirectories(dir);
      FileAttribute<?>[] attrs = posix
          ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(secret ? SECRET : PUBLIC)}
          : new FileAttribute<?>[0];
      try (FileChannel ch = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), attrs)) {
        ByteBuffer b = ByteBuffer.wrap(data);
        while (b.hasRemaining()) {
          ch.write(b);
        }
        ch.force(true);
      }
      if (posix) {
        // The umask may have narrowed the create mode; set exactly what we want.
        Files.setPosixFilePermissions(tmp, secret ? SECRET : PUBLIC);
      }
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
      forceDirectory(dir);
    } catch (IOException e) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // best effort clean-up of our own temporary file
      }
      throw new StateFileException(file, "cannot write: " + e.getMessage(), e);
    }
  }

  /** Removes {@code type}/{@code id} if present. */
  public void delete(StateObject type, long id) {
    Path f = fileOf(type, id);
    try {
      if (Files.deleteIfExists(f)) {
        forceDirectory(f.getParent());
      }
    } catch (IOException e) {
      throw new StateFileException(f, "cannot delete: " + e.getMessage(), e);
    }
  }

  /** Ids of the stored objects of a per-id type (moons, peers, network configs), sorted. */
  public List<Long> list(StateObject type) {
    String suffix;
    int digits;
    switch (type) {
      case MOON -> {
        suffix = ".moon";
        digits = 16;
      }
      case PEER -> {
        suffix = ".peer";
        digits = 10;
      }
      case NETWORK_CONFIG -> {
        suffix = ".conf";
        digits = 16;
      }
      default -> {
        return List.of();
      }
    }
    Path dir = fileOf(type, 0).getParent();
    List<Long> ids = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return ids;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*" + suffix)) {
      for (Path p : ds) {
        String n = p.getFileName().toString();
        String h = n.substring(0, n.length() - suffix.length());
        if (h.length() == digits && h.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
          ids.add(Long.parseUnsignedLong(h, 16));
        }
      }
    } catch (IOException e) {
      throw new StateFileException(dir, "cannot list: " + e.getMessage(), e);
    }
    ids.sort(Long::compareUnsigned);
    return ids;
  }

  private static void forceDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // Not every file system lets a directory be opened; the rename itself has happened.
    }
  }

  private static String hex(long v, int digits) {
    String s = Long.toHexString(v).toLowerCase(Locale.ROOT);
    if (s.length() >= digits) {
      return s;
    }
    return "0".repeat(digits - s.length()) + s;
  }

  /** A state file that cannot be read, parsed or written; the message names the file. */
  public static final class StateFileException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient Path file;

    public StateFileException(Path file, String problem) {
      super(file + ": " + problem);
      this.file = file;
    }

    public StateFileException(Path file, String problem, Throwable cause) {
      super(file + ": " + problem, cause);
      this.file = file;
    }

    public Path file() {
      return file;
    }
  }
}
