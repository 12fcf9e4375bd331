package dev.circlet.runner.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.circlet.runner.store.LocalBlobStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CacheKeyTemplateTest {
  @TempDir static Path dir;

  static CacheKeyTemplate.Values values() {
    return new CacheKeyTemplate.Values("feature/x", "abc123", 42, Map.of("NODE", "20"), dir::resolve, 1700000000L,
        "arch1-linux-amd64");
  }

  static Stream<Arguments> templates() {
    return Stream.of(
        Arguments.of("v1-{{ .Branch }}-{{ .Revision }}", "v1-feature/x-abc123"),
        Arguments.of("v1-{{.BuildNum}}-{{ epoch }}", "v1-42-1700000000"),
        Arguments.of("{{ arch }}-node{{ .Environment.NODE }}", "arch1-linux-amd64-node20"),
        Arguments.of("e-{{ .Environment.UNSET }}", "e-<no value>"),
        // base64 SHA-256 of "hello\n"
        Arguments.of("deps-{{ checksum \"lock\" }}", "deps-WJG1tSLV3whtD/CxEPvZ0hu0/HFjrzTQgoai6Eb2vgM="),
        Arguments.of("two-{{ checksum \"lock\" }}{{checksum \"lock\"}}",
            "two-WJG1tSLV3whtD/CxEPvZ0hu0/HFjrzTQgoai6Eb2vgM=WJG1tSLV3whtD/CxEPvZ0hu0/HFjrzTQgoai6Eb2vgM="),
        Arguments.of("plain", "plain"));
  }

  @ParameterizedTest
  @MethodSource("templates")
  void renders(String template, String expected) throws Exception {
    Files.writeString(dir.resolve("lock"), "hello\n");
    assertThat(CacheKeyTemplate.render(template, values())).isEqualTo(expected);
  }

  @Test
  void unknownActionAndMissingFileAreClearErrors() {
    assertThatThrownBy(() -> CacheKeyTemplate.render("{{ .Nope }}", values()))
        .hasMessage("unknown cache key template action: {{ .Nope }}");
    assertThatThrownBy(() -> CacheKeyTemplate.render("{{ checksum \"absent\" }}", values()))
        .hasMessageStartingWith("checksum: no such file: ");
  }

  @Test
  void archMapsJavaNames() {
    assertThat(CacheKeyTemplate.arch("Linux", "amd64")).isEqualTo("arch1-linux-amd64");
    assertThat(CacheKeyTemplate.arch("Mac OS X", "aarch64")).isEqualTo("arch1-darwin-arm64");
  }

  @Test
  void restoreKeysArePrefixesFirstMatchingKeyWinsNewestUnderIt(@TempDir Path storeDir) throws Exception {
    LocalBlobStore store = new LocalBlobStore(storeDir);
    CacheStore caches = new CacheStore(store);
    Path f = Files.writeString(storeDir.resolve("payload"), "x");
    store.put(caches.objectKeyFor("v1-a-old", false), f);
    store.put(caches.objectKeyFor("v1-a-new", true), f);
    store.put(caches.objectKeyFor("v1-b+/=", false), f);
    Files.setLastModifiedTime(storeDir.resolve(caches.objectKeyFor("v1-a-old", false)), FileTime.from(Instant.ofEpochSecond(1000)));
    Files.setLastModifiedTime(storeDir.resolve(caches.objectKeyFor("v1-a-new", true)), FileTime.from(Instant.ofEpochSecond(2000)));

    assertThat(caches.find(List.of("v2-", "v1-a-"))).hasValue(new CacheStore.Entry("v1-a-new", caches.objectKeyFor("v1-a-new", true), true));
    assertThat(caches.find(List.of("v1-b+/"))).get().extracting(CacheStore.Entry::cacheKey).isEqualTo("v1-b+/=");
    assertThat(caches.find(List.of("v3-"))).isEmpty();
    assertThat(caches.exists("v1-a-new")).isTrue();
    assertThat(caches.exists("v1-a")).isFalse();
  }
}
