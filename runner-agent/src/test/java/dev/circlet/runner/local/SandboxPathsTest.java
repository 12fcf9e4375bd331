package dev.circlet.runner.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.circlet.config.model.ContainerImage;
import dev.circlet.config.model.Executor;
import dev.circlet.config.model.JobSpec;
import dev.circlet.config.model.Step;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SandboxPathsTest {
  static final Path PROJECT = Path.of("/p");
  static final Path NODE = Path.of("/p/.circlet/work/build");
  static final Path HOME = NODE.resolve("home");

  static JobSpec job(String wd, Map<String, String> env, List<Step> steps, Map<String, String> imageEnv) {
    Executor ex = new Executor("docker", List.of(new ContainerImage("cimg/go:1.22", null, null, null, null, imageEnv)), null);
    return new JobSpec("build", "build", List.of(), ex, null, wd, null, env, 1, steps, List.of(), null);
  }

  static Step step(String type, String wd, String path, List<String> paths, Map<String, String> env) {
    Step.Builder b = Step.of(type);
    b.command = "true";
    b.workingDirectory = wd;
    b.path = path;
    b.paths = paths;
    b.environment = env;
    return b.build();
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(nullValues = "null", value = {
      // working_directory, moved to (null: unchanged)
      "~/project, null",
      "project, null",
      "/home/circleci/project, /p/.circlet/work/build/home/project",
      "/workspace, /p/.circlet/work/build/root/workspace",
      "/usr/src/app, /p/.circlet/work/build/root/usr/src/app",
      "/workspace/../srv/app, /p/.circlet/work/build/root/srv/app",
  })
  void workingDirectories(String wd, String want) {
    SandboxPaths.Result r = SandboxPaths.map(job(wd, Map.of(), List.of(), null), NODE, HOME, PROJECT, true);
    assertThat(r.job().workingDirectory()).isEqualTo(want == null ? wd : want);
    boolean mountable = want != null && !wd.startsWith("/home/circleci");
    assertThat(r.mounts()).hasSize(mountable ? 1 : 0);
    if (mountable) {
      assertThat(r.notices()).singleElement().asString()
          .contains("working_directory " + Path.of(wd).normalize(), "is at .circlet/work/build/root/");
    }
  }

  @ParameterizedTest
  @CsvSource({"/", "/usr", "/etc", "/var", "/home", "/proc/self", "/opt"})
  void systemDirectoriesAreRefusedWithAClearMessage(String wd) {
    assertThatThrownBy(() -> SandboxPaths.map(job(wd, Map.of(), List.of(), null), NODE, HOME, PROJECT, true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("working_directory " + wd + " is a system directory")
        .hasMessageContaining("use a directory of its own");
  }

  @Test
  void stepPathsAndEnvironmentFollowMovedDirectoriesAndToolHomesMoveInShellMode() {
    JobSpec j = job("/workspace", Map.of("GOPATH", "/go", "OUT", "/workspace/out", "JAVA_HOME", "/usr/lib/jvm/x"),
        List.of(step("run", "/workspace/sub", null, null, Map.of("GOCACHE", "/home/circleci/.cache/go")),
            step("save_cache", null, null, List.of("/go/pkg/mod", "~/.npm", "/usr/local/lib"), null),
            step("persist_to_workspace", null, "/workspace/dist", null, null)),
        Map.of("GOFLAGS", "-mod=mod", "CARGO_HOME", "/cargo"));
    SandboxPaths.Result r = SandboxPaths.map(j, NODE, HOME, PROJECT, true);
    String root = "/p/.circlet/work/build/root";
    assertThat(r.job().environment()).containsEntry("GOPATH", root + "/go").containsEntry("OUT", root + "/workspace/out")
        .containsEntry("JAVA_HOME", "/usr/lib/jvm/x");
    assertThat(r.job().executor().images().get(0).environment()).containsEntry("CARGO_HOME", root + "/cargo")
        .containsEntry("GOFLAGS", "-mod=mod");
    assertThat(r.job().steps().get(0).workingDirectory()).isEqualTo(root + "/workspace/sub");
    assertThat(r.job().steps().get(0).environment()).containsEntry("GOCACHE", HOME + "/.cache/go");
    assertThat(r.job().steps().get(1).paths()).containsExactly(root + "/go/pkg/mod", "~/.npm", "/usr/local/lib");
    assertThat(r.job().steps().get(2).path()).isEqualTo(root + "/workspace/dist");
    assertThat(r.notices()).anyMatch(n -> n.startsWith("GOPATH=/go is .circlet/work/build/root/go in this run"));
  }

  @Test
  void inAnEngineToolHomesStayInTheContainerAndMovedDirectoriesAreMountedWhereTheConfigNamesThem() {
    JobSpec j = job("/workspace", Map.of("GOPATH", "/go"), List.of(), Map.of("GOPATH", "/go"));
    SandboxPaths.Result r = SandboxPaths.map(j, NODE, HOME, PROJECT, false);
    assertThat(r.job().environment()).containsEntry("GOPATH", "/go");
    assertThat(r.job().executor().images().get(0).environment()).containsEntry("GOPATH", "/go");
    assertThat(r.mounts()).containsExactly(new SandboxPaths.Mount(NODE.resolve("root/workspace"), "/workspace"));
  }
}
