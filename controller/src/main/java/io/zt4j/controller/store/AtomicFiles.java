package io.zt4j.controller.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Replacing a file so that a crash at any moment leaves either the old content or the new,
 * never a mix: write a temporary file beside the target ({@code .<name>.tmp}), force it to disk,
 * rename it over the target (atomic on POSIX file systems), then force the directory so the
 * rename itself is durable.
 *
 * <p>A crash before the rename leaves the old file and a stale temporary file, which
 * {@link #isTemporary} recognizes so loaders skip and remove it. Files are created readable
 * by the owner only ({@code 0600}).
 */
public final class AtomicFiles {
  /** Where a write can be interrupted; tests use this to simulate a crash at each point. */
  public enum Step {
    /** Half of the new content is in the temporary file. */
    TEMP_PARTLY_WRITTEN,
    /** The temporary file is complete and on disk, not yet renamed. */
    TEMP_WRITTEN,
    /** The rename is done, the directory not yet forced. */
    RENAMED
  }

  /** Called at each {@link Step}; throwing there stops the write as a crash would. */
  @FunctionalInterface
  public interface CrashPoint {
    void reached(Step step) throws IOException;
  }

  /** A crash point that never crashes. */
  public static final CrashPoint NEVER = step -> {};

  private static final String TMP_SUFFIX = ".tmp";

  private AtomicFiles() {}

  /** Replaces {@code target} with {@code data} atomically and durably. */
  public static void write(Path target, byte[] data) throws IOException {
    write(target, data, NEVER);
  }

  /** As {@link #write(Path, byte[])}, calling {@code crash} at each step. */
  public static void write(Path target, byte[] data, CrashPoint crash) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Path tmp = dir.resolve("." + target.getFileName() + TMP_SUFFIX);
    Files.deleteIfExists(tmp);
    try (FileChannel ch = createOwnerOnly(tmp)) {
      ByteBuffer buf = ByteBuffer.wrap(data);
      buf.limit(data.length / 2);
      writeFully(ch, buf);
      crash.reached(Step.TEMP_PARTLY_WRITTEN);
      buf.limit(data.length);
      writeFully(ch, buf);
      ch.force(true);
    }
    crash.reached(Step.TEMP_WRITTEN);
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.deleteIfExists(tmp);
      throw new IOException("file system cannot rename atomically: " + dir, e);
    }
    crash.reached(Step.RENAMED);
    forceDirectory(dir);
  }

  /** True for a temporary file a crashed {@link #write} may leave behind. */
  public static boolean isTemporary(Path file) {
    String n = file.getFileName().toString();
    return n.startsWith(".") && n.endsWith(TMP_SUFFIX);
  }

  /** Makes directory entries (creations, renames, removals) in {@code dir} durable. */
  public static void forceDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // Some file systems cannot open a directory for reading; the rename is still atomic there.
      if (!Files.isDirectory(dir)) {
        throw e;
      }
    }
  }

  /** Creates {@code dir} (and parents) readable by the owner only, if missing. */
  public static void createPrivateDirectories(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    Path parent = dir.toAbsolutePath().getParent();
    if (parent != null) {
      createPrivateDirectories(parent);
    }
    try {
      if (supportsPosix(dir)) {
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      } else {
        Files.createDirectory(dir);
      }
    } catch (FileAlreadyExistsException e) {
      if (!Files.isDirectory(dir)) {
        throw e;
      }
    }
    if (parent != null) {
      forceDirectory(parent);
    }
  }

  private static FileChannel createOwnerOnly(Path p) throws IOException {
    Set<StandardOpenOption> opts = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    if (supportsPosix(p)) {
      return FileChannel.open(p, opts, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    }
    return FileChannel.open(p, opts);
  }

  private static boolean supportsPosix(Path p) {
    return p.getFileSystem().supportedFileAttributeViews().contains("posix");
  }

  private static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
    while (buf.hasRemaining()) {
      ch.write(buf);
    }
  }
}
