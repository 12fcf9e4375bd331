package dev.circlet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.circlet.config.PipelineContext;
import dev.circlet.runner.local.LocalGit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Pipeline values from local git and flags. */
class LocalPipelineTest {
  @ParameterizedTest
  @CsvSource(nullValues = "-", value = {
      // remote URL,                      slug flag,    slug,          type
      "git@github.com:acme/app.git,       -,            gh/acme/app,   github",
      "git@github.com:acme/app.git,       gh/acme/fork, gh/acme/fork,  github",
      "https://git.example.com/x/app.git, gl/x/app,     gl/x/app,      gitlab",
      "-,                                 bb/team/app,  bb/team/app,   bitbucket",
      "-,                                 -,            '',            ''"})
  void slugAndTypeFromRemoteOrFlag(String remote, String flag, String slug, String type) {
    LocalGit.Trigger git = new LocalGit.Trigger("main", null, "abc", remote, null, null);
    PipelineContext ctx = LocalPipeline.builder(git, flag).build();
    assertThat(ctx.value("project.slug")).isEqualTo(slug);
    assertThat(ctx.value("project.type")).isEqualTo(type);
    assertThat(ctx.value("git.revision")).isEqualTo("abc");
    assertThat(ctx.branch()).isEqualTo("main");
  }
}
