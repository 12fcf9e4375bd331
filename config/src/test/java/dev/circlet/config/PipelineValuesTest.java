package dev.circlet.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Project slug and type from a repository URL, and which used pipeline values are unknown. */
class PipelineValuesTest {
  @ParameterizedTest
  @CsvSource(nullValues = "-", value = {
      "git@github.com:acme/app.git,              gh/acme/app,        github",
      "https://github.com/acme/app,              gh/acme/app,        github",
      "https://token@github.com/acme/app.git/,   gh/acme/app,        github",
      "ssh://git@gitlab.com:22/group/sub/app.git, gl/group/sub/app,  gitlab",
      "https://bitbucket.org/team/app.git,       bb/team/app,        bitbucket",
      "https://git.example.com/acme/app.git,     -,                  -",
      "/srv/git/app,                             -,                  -",
      "'',                                       -,                  -"})
  void slugAndTypeFromUrl(String url, String slug, String type) {
    assertThat(PipelineValues.projectSlug(url)).isEqualTo(slug);
    assertThat(PipelineValues.projectType(url)).isEqualTo(type);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', nullValues = "-", value = {
      "echo << pipeline.git.revision >> << pipeline.number >> | pipeline.git.revision,pipeline.number",
      "echo << pipeline.git.branch.is_default >>               | -",
      "echo << pipeline.project.slug >>                        | pipeline.project.slug",
      "echo << pipeline.git.branch >>                          | -"})
  void namesUnknownValuesTheConfigUses(String text, String expected) {
    PipelineContext ctx = PipelineContext.branch("main");
    assertThat(String.join(",", PipelineValues.unknownUsed(text, ctx))).isEqualTo(expected == null ? "" : expected);
  }
}
