package dev.circlet.runner.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.circlet.runner.volume.Volume;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Archives: a faithful round trip, and crafted archives that try to leave the directory they are unpacked into. */
class ArchiverTest {
  @TempDir Path tmp;

  @Test
  void roundTripKeepsLongNamesModesLinksAndContent() throws Exception {
    Path vol = Files.createDirectories(tmp.resolve("vol"));
    String longDir = "node_modules/" + "@scope-with-a-long-name/".repeat(6) + "é-ünïcode";
    Path deep = Files.createDirectories(vol.resolve("project").resolve(longDir));
    Files.writeString(deep.resolve("index.js"), "module.exports = 1\n");
    Path tool = Files.writeString(vol.resolve("project/run.sh"), "#!/bin/sh\n");
    Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwxr-x---"));
    Files.createSymbolicLink(vol.resolve("project/python"), Path.of("/usr/bin/python3"));
    Files.createSymbolicLink(vol.resolve("project/latest"), Path.of(longDir));
    Volume volume = Volume.of(vol);
    Path archive = tmp.resolve("a.tar.gz");
    Archiver.pack(volume, vol, List.of("project"), archive);

    Path dest = Files.createDirectories(tmp.resolve("vol2"));
    Archiver.extract(archive, Files.createDirectories(tmp.resolve("scratch")), Volume.of(dest), dest);
    assertThat(Files.readString(dest.resolve("project").resolve(longDir).resolve("index.js"))).isEqualTo("module.exports = 1\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dest.resolve("project/run.sh")))).isEqualTo("rwxr-x---");
    assertThat(Files.readSymbolicLink(dest.resolve("project/python"))).isEqualTo(Path.of("/usr/bin/python3"));
    assertThat(Files.readString(dest.resolve("project/latest/index.js"))).isEqualTo("module.exports = 1\n");
    try (Stream<Path> s = Files.list(tmp.resolve("scratch"))) {
      assertThat(s.toList()).as("the private directory is gone").isEmpty();
    }
  }

  @Test
  void readsArchivesOfTheSystemTar() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src/" + "d".repeat(120)));
    Files.writeString(src.resolve("f".repeat(120)), "gnu");
    Process p = new ProcessBuilder("tar", "-czf", tmp.resolve("gnu.tar.gz").toString(), "-C", tmp.resolve("src").toString(), ".")
        .redirectErrorStream(true).start();
    assertThat(p.waitFor()).isZero();
    Path out = tmp.resolve("out");
    Archiver.unpack(tmp.resolve("gnu.tar.gz"), out);
    assertThat(Files.readString(out.resolve("d".repeat(120)).resolve("f".repeat(120)))).isEqualTo("gnu");
  }

  /** Writes crafted entries; {@code outside} is a directory beside the volume. */
  interface Crafted {
    void write(Tar.Writer w, String outside) throws IOException;
  }

  static void file(Tar.Writer w, String name, String text) throws IOException {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    w.header(new Tar.Entry(name, Tar.Type.FILE, 0644, b.length, 0, null));
    w.data(new ByteArrayInputStream(b), b.length);
  }

  static Stream<Arguments> crafted() {
    return Stream.of(
        Arguments.of("absolute name", (Crafted) (w, o) -> file(w, o + "/pwned", "x"), "absolute name"),
        Arguments.of("dot-dot", (Crafted) (w, o) -> file(w, "a/../../outside/pwned", "x"), "leaves the directory"),
        Arguments.of("file through a link to outside", (Crafted) (w, o) -> {
          w.header(new Tar.Entry("link", Tar.Type.SYMLINK, 0777, 0, 0, o));
          file(w, "link/pwned", "x");
        }, "passes through the symbolic link"),
        Arguments.of("file through a relative link climbing out", (Crafted) (w, o) -> {
          w.header(new Tar.Entry("up", Tar.Type.SYMLINK, 0777, 0, 0, "../../../../outside"));
          file(w, "up/pwned", "x");
        }, "passes through the symbolic link"),
        Arguments.of("hard link to a file outside", (Crafted) (w, o) ->
            w.header(new Tar.Entry("h", Tar.Type.HARDLINK, 0644, 0, 0, "../../outside/secret")), "leaves the directory"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("crafted")
  void craftedArchivesAreRefusedAndWriteNothingOutside(String name, Crafted entries, String message) throws Exception {
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    Files.writeString(outside.resolve("secret"), "s");
    Path a = tmp.resolve("crafted.tar.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(a))) {
      Tar.Writer w = new Tar.Writer(out);
      entries.write(w, outside.toString());
      w.finish();
    }
    Path vol = Files.createDirectories(tmp.resolve("vol"));
    assertThatThrownBy(() -> Archiver.extract(a, Files.createDirectories(tmp.resolve("scratch")), Volume.of(vol), vol))
        .isInstanceOf(IOException.class).hasMessageContaining(message);
    try (Stream<Path> s = Files.list(outside)) {
      assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactly("secret");
    }
    try (Stream<Path> s = Files.list(vol)) {
      assertThat(s.toList()).as("nothing is installed from a refused archive").isEmpty();
    }
  }
}
