package io.zt4j.controller.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zt4j.controller.model.Member;
import io.zt4j.controller.model.Network;
import io.zt4j.controller.model.RecordJson;
import io.zt4j.testkit.Environment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class FileStoreTest {
  private static final long NWID = 0x2b53dd2a51a1b2c3L;

  @TempDir Path dir;

  private static final class Crash extends IOException {
    private static final long serialVersionUID = 1L;
  }

  @ParameterizedTest
  @EnumSource(AtomicFiles.Step.class)
  void aCrashAtAnyStepLeavesTheOldOrTheNewRecordWhole(AtomicFiles.Step step) throws IOException {
    try (FileStore s = FileStore.open(dir)) {
      s.putNetwork(new Network(NWID, 1).name("old").revision(1));
      s.putMember(new Member(NWID, 0xd5f97e2e50L, 2).authorized(true).revision(1));
    }
    FileStore crashing = FileStore.open(dir, reached -> {
      if (reached == step) {
        throw new Crash();
      }
    });
    assertThatThrownBy(() -> crashing.putNetwork(new Network(NWID, 1).name("new-".repeat(500)).revision(2)))
        .isInstanceOf(Crash.class);
    assertThatThrownBy(() -> crashing.putMember(new Member(NWID, 0xd5f97e2e50L, 2).authorized(false).revision(2)))
        .isInstanceOf(Crash.class);
    assertThat(crashing.network(NWID).orElseThrow().name()).as("memory only changes after disk").isEqualTo("old");
    // "Restart": a fresh store over the same directory.
    try (FileStore s = FileStore.open(dir)) {
      Network n = s.network(NWID).orElseThrow();
      Member m = s.member(NWID, 0xd5f97e2e50L).orElseThrow();
      if (step == AtomicFiles.Step.RENAMED) {
        assertThat(n.revision()).isEqualTo(2);
        assertThat(m.authorized()).isFalse();
      } else {
        assertThat(n.name()).isEqualTo("old");
        assertThat(m.authorized()).isTrue();
      }
      assertThat(s.warnings()).isEmpty();
    }
    try (Stream<Path> files = Files.walk(dir)) {
      assertThat(files.filter(AtomicFiles::isTemporary)).as("stale temp files removed").isEmpty();
    }
  }

  @Test
  void unreadableRecordsAreSetAsideNeverOverwritten() throws IOException {
    Path nets = dir.resolve("network");
    Files.createDirectories(nets.resolve("2b53dd2a51a1b2c3/member"));
    Files.writeString(nets.resolve("2b53dd2a51a1b2c3.json"), "{\"id\":\"2b53dd2a51a1b2c3\",\"objtype\":\"network\"");
    Files.writeString(nets.resolve("2b53dd2a51a1b2c3/member/d5f97e2e50.json"), "{\"id\":\"d5f97e2e50\",\"nwid\":\"2b53dd2a51a1b2c3\"}");
    try (FileStore s = FileStore.open(dir)) {
      assertThat(s.networkIds()).isEmpty();
      assertThat(s.warnings()).hasSize(1).first().asString().contains("2b53dd2a51a1b2c3.json");
      assertThat(Files.readString(nets.resolve("2b53dd2a51a1b2c3.json.corrupt"))).startsWith("{\"id\"");
      s.putNetwork(new Network(NWID, 5).revision(1));
      assertThat(s.members(NWID)).as("old members do not join the new network").isEmpty();
      assertThat(Files.exists(nets.resolve("2b53dd2a51a1b2c3.orphaned/member/d5f97e2e50.json"))).isTrue();
    }
  }

  @Test
  void deleteRemovesNetworkAndMembers() throws IOException {
    try (FileStore s = FileStore.open(dir)) {
      s.putNetwork(new Network(NWID, 1));
      s.putMember(new Member(NWID, 1, 1));
      assertThat(s.deleteMember(NWID, 2)).isFalse();
      assertThat(s.deleteNetwork(NWID)).isTrue();
      assertThat(s.deleteNetwork(NWID)).isFalse();
      assertThatThrownBy(() -> s.putMember(new Member(NWID, 1, 1))).isInstanceOf(IllegalStateException.class);
    }
    try (Stream<Path> files = Files.list(dir.resolve("network"))) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void readsAZeroTierOneControllerDirectory() throws IOException {
    Path src = Environment.vectors().resolve("lab/dualstack/state/ctl/controller.d");
    try (Stream<Path> files = Files.walk(src)) {
      for (Path p : files.toList()) {
        Path t = dir.resolve(src.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t);
        }
      }
    }
    try (FileStore s = FileStore.open(dir)) {
      assertThat(s.networkIds()).containsExactly(NWID);
      assertThat(s.members(NWID)).extracting(Member::addressString).containsExactly("d5f97e2e50", "fb8e8ac629");
      assertThat(s.member(NWID, 0xfb8e8ac629L).orElseThrow().ipAssignments()).hasToString("[10.147.17.146/0]");
      // Rewriting a record unchanged gives ZeroTier's bytes back.
      s.putNetwork(s.network(NWID).orElseThrow());
      Path f = dir.resolve("network/2b53dd2a51a1b2c3.json");
      assertThat(Files.readString(f)).isEqualTo(Files.readString(src.resolve("network/2b53dd2a51a1b2c3.json")).strip());
      assertThat(RecordJson.MAPPER.readTree(f.toFile()).get("name").asText()).isEqualTo("ztlab");
    }
  }
}
