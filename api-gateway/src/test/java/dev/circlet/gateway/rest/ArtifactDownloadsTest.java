package dev.circlet.gateway.rest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ArtifactDownloadsTest {
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "ci | b-1 | report.txt      | /api/v1/builds/ci/b-1/artifacts/report.txt",
      "ci | b-1 | a b/c+d.txt     | /api/v1/builds/ci/b-1/artifacts/a%20b/c%2Bd.txt",
      "ci | b-1 | x/%2F/ü.bin     | /api/v1/builds/ci/b-1/artifacts/x/%252F/%C3%BC.bin",
      "ci | b-1 | ../etc/passwd   | /api/v1/builds/ci/b-1/artifacts/../etc/passwd"})
  void urls_encode_each_segment(String namespace, String build, String path, String url) {
    assertThat(ArtifactDownloads.url(namespace, build, path)).isEqualTo(url);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "out/app.log       | text/plain; charset=utf-8",
      "REPORT.JSON       | application/json",
      "img/shot.png      | image/png",
      "site/index.html   | application/octet-stream",
      "logo.svg          | application/octet-stream",
      "bundle.js         | application/octet-stream",
      "report.xml        | application/octet-stream",
      "no-extension      | application/octet-stream",
      "trailing.         | application/octet-stream",
      "dist/app.tar.gz   | application/gzip"})
  void only_passive_types_keep_their_media_type(String path, String type) {
    assertThat(ArtifactDownloads.mediaType(path)).isEqualTo(type);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      "dist/app.bin     | attachment; filename=\"app.bin\"; filename*=UTF-8''app.bin",
      "a/say \"hi\".txt | attachment; filename=\"say _hi_.txt\"; filename*=UTF-8''say%20%22hi%22.txt",
      "ü.txt            | attachment; filename=\"_.txt\"; filename*=UTF-8''%C3%BC.txt",
      "dir/             | attachment; filename=\"dir\"; filename*=UTF-8''dir"})
  void dispositions_are_attachments_with_a_safe_name(String path, String disposition) {
    assertThat(ArtifactDownloads.disposition(path)).isEqualTo(disposition);
  }
}
