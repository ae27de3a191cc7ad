package io.zt4j.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zt4j.node.StateObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateDirectoryTest {
  @TempDir Path tmp;

  @Test
  void usesZeroTierOnesLayout() {
    StateDirectory d = StateDirectory.open(tmp.resolve("home"));
    Path h = d.home();
    assertThat(d.fileOf(StateObject.IDENTITY_SECRET, 0)).isEqualTo(h.resolve("identity.secret"));
    assertThat(d.fileOf(StateObject.IDENTITY_PUBLIC, 0x523be43e97L)).isEqualTo(h.resolve("identity.public"));
    assertThat(d.fileOf(StateObject.PLANET, 0xfcde41b2L)).isEqualTo(h.resolve("planet"));
    assertThat(d.fileOf(StateObject.MOON, 0xabcL)).isEqualTo(h.resolve("moons.d/0000000000000abc.moon"));
    assertThat(d.fileOf(StateObject.PEER, 0x523be43e97L)).isEqualTo(h.resolve("peers.d/523be43e97.peer"));
    assertThat(d.fileOf(StateObject.NETWORK_CONFIG, 0x2b53dd2a51a1b2c3L))
        .isEqualTo(h.resolve("networks.d/2b53dd2a51a1b2c3.conf"));
  }

  @Test
  void createsTheHomePrivately() throws IOException {
    StateDirectory d = StateDirectory.open(tmp.resolve("a/b"));
    assertThat(Files.isDirectory(d.home())).isTrue();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(d.home()))).isEqualTo("rwx------");
  }

  @Test
  void writesReadBackAndSecretsAre0600() throws IOException {
    StateDirectory d = StateDirectory.open(tmp);
    byte[] secret = "523be43e97:0:abcd:ef01".getBytes(StandardCharsets.US_ASCII);
    d.write(StateObject.IDENTITY_SECRET, 0, secret);
    d.write(StateObject.IDENTITY_PUBLIC, 0, "523be43e97:0:abcd".getBytes(StandardCharsets.US_ASCII));
    assertThat(d.read(StateObject.IDENTITY_SECRET, 0)).contains(secret);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("identity.secret"))))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("identity.public"))))
        .isEqualTo("rw-r--r--");
  }

  @Test
  void aWriteReplacesAtomicallyAndLeavesNoTemporaryFiles() throws IOException {
    StateDirectory d = StateDirectory.open(tmp);
    for (int i = 0; i < 20; i++) {
      d.write(StateObject.PEER, 0x1122334455L, new byte[] {(byte) i, 1, 2, 3});
    }
    assertThat(d.read(StateObject.PEER, 0x1122334455L)).contains(new byte[] {19, 1, 2, 3});
    try (Stream<Path> s = Files.list(tmp.resolve("peers.d"))) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactly("1122334455.peer");
    }
  }

  @Test
  void anUnchangedWriteDoesNotTouchTheFile() throws IOException {
    StateDirectory d = StateDirectory.open(tmp);
    d.write(StateObject.PLANET, 1, new byte[] {1, 2, 3});
    Path f = tmp.resolve("planet");
    Object inode = Files.getAttribute(f, "unix:ino");
    d.write(StateObject.PLANET, 1, new byte[] {1, 2, 3});
    assertThat(Files.getAttribute(f, "unix:ino")).isEqualTo(inode);
    d.write(StateObject.PLANET, 1, new byte[] {1, 2, 4});
    assertThat(Files.getAttribute(f, "unix:ino")).isNotEqualTo(inode);
  }

  @Test
  void missingObjectsAreEmptyAndDeletesAreIdempotent() {
    StateDirectory d = StateDirectory.open(tmp);
    assertThat(d.read(StateObject.MOON, 7)).isEmpty();
    d.write(StateObject.MOON, 7, new byte[] {9});
    d.delete(StateObject.MOON, 7);
    d.delete(StateObject.MOON, 7);
    assertThat(d.read(StateObject.MOON, 7)).isEmpty();
  }

  @Test
  void listsIdsOfPerIdObjects() throws IOException {
    StateDirectory d = StateDirectory.open(tmp);
    d.write(StateObject.PEER, 0xbbL, new byte[] {1});
    d.write(StateObject.PEER, 0xaaL, new byte[] {1});
    Files.writeString(tmp.resolve("peers.d/junk.peer"), "x");
    Files.writeString(tmp.resolve("peers.d/readme.txt"), "x");
    assertThat(d.list(StateObject.PEER)).containsExactly(0xaaL, 0xbbL);
    assertThat(d.list(StateObject.MOON)).isEmpty();
    assertThat(d.list(StateObject.PLANET)).isEmpty();
  }

  @Test
  void oversizedAndUnreadableFilesAreErrorsNamingTheFile() throws IOException {
    StateDirectory d = StateDirectory.open(tmp);
    Path planet = tmp.resolve("planet");
    Files.write(planet, new byte[StateDirectory.MAX_FILE_BYTES + 1]);
    assertThatThrownBy(() -> d.read(StateObject.PLANET, 0))
        .isInstanceOf(StateDirectory.StateFileException.class)
        .hasMessageContaining(planet.toString())
        .hasMessageContaining("too large");
    Files.delete(planet);
    Files.createDirectory(planet);
    assertThatThrownBy(() -> d.read(StateObject.PLANET, 0))
        .isInstanceOf(StateDirectory.StateFileException.class)
        .hasMessageContaining(planet.toString());
  }

  @Test
  void aHomeThatIsAFileIsRefused() throws IOException {
    Path f = Files.writeString(tmp.resolve("file"), "x");
    assertThatThrownBy(() -> StateDirectory.open(f)).hasMessageContaining("not a directory");
  }
}
