package dev.circlet.runner.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.circlet.config.model.ContainerImage;
import dev.circlet.config.model.Executor;
import dev.circlet.config.model.JobSpec;
import dev.circlet.runner.TestJobs;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Engine mode against a stand-in {@code docker} on PATH that records its arguments and runs the
 * primary's command (the shim) on this machine: no real engine runs where these tests run.
 */
class EngineModeTest {
  @TempDir Path tmp;
  final ByteArrayOutputStream console = new ByteArrayOutputStream();

  @Test
  void aJobRunsThroughTheShimInItsImageWithServicesAndIsCleanedUp() throws Exception {
    StandInEngine docker = StandInEngine.install(tmp.resolve("engine"), "docker");
    EngineChoice choice = EngineChoice.choose("docker", docker.path());
    assertThat(choice.engine()).isNotNull();
    Path project = Files.createDirectories(tmp.resolve("project"));
    Files.writeString(project.resolve("README"), "hello from the project\n");
    Executor ex = new Executor("docker", List.of(new ContainerImage("cimg/node:16.20", null, null, null, null, null),
        new ContainerImage("postgres:16", "db", null, null, null, Map.of("POSTGRES_PASSWORD", "pw"))), null);
    dev.circlet.config.model.Step checkout = dev.circlet.config.model.Step.of("checkout").build();
    JobSpec job = new JobSpec("test", "build", List.of(), ex, null, "/workspace", null, Map.of(), 1,
        List.of(checkout, TestJobs.run("Show", "cat README; pwd; echo \"home=$HOME\"")), List.of(), null);
    LocalWorkflowRunner runner = new LocalWorkflowRunner(new LocalWorkflowRunner.Options(project, 1, Map.of(), console,
        Duration.ofMillis(500), new LocalGit.Trigger("main", null, "abc", null, null, null), choice.engine(), 20));
    List<JobOutcome> out = runner.run(List.of(job));
    String text = console.toString(StandardCharsets.UTF_8);
    assertThat(out.get(0).status()).as(text).isEqualTo("success");
    Path node = project.toRealPath().resolve(".circlet/work/test");
    assertThat(text).contains("[test] running in cimg/node:16.20 with docker beside 1 service container on localhost")
        .contains("[test/Show] hello from the project")
        .contains("[test/Show] " + node.resolve("root/workspace"))
        .contains("[test/Show] home=" + node.resolve("home"))
        .doesNotContain("is not started");
    String name = "circlet-" + runner.workflowId().substring(0, 8) + "-test";
    List<String> calls = docker.calls();
    String exe = Path.of(docker.path(), "docker").toString();
    assertThat(calls).first().isEqualTo("docker info");
    assertThat(calls).contains(
        "docker image inspect cimg/node:16.20",
        "docker network create " + name + "-net",
        "docker run -d --name " + name + " --network " + name + "-net --add-host db:127.0.0.1 -v " + node + ":" + node
            + " -v " + node.resolve("root/workspace") + ":/workspace -e HOME=" + node.resolve("home") + " -w "
            + node.resolve("home") + " --user " + Files.getAttribute(node.resolve("home"), "unix:uid") + ":"
            + Files.getAttribute(node.resolve("home"), "unix:gid") + " --entrypoint /bin/sh cimg/node:16.20 "
            + node.resolve("shim/bin/circlet-shim") + " " + node.resolve("shim"),
        "docker run -d --name " + name + "-svc-1 --network container:" + name + " -e POSTGRES_PASSWORD=pw postgres:16",
        "docker wait " + name,
        "docker rm -f " + name + "-svc-1 " + name,
        "docker network rm " + name + "-net");
    assertThat(calls.indexOf("docker wait " + name)).isLessThan(calls.indexOf("docker rm -f " + name + "-svc-1 " + name));
    assertThat(exe).endsWith("/bin/docker");
  }

  @Test
  void aPrimaryThatExitsBeforeItsShimStartsFailsTheJobAtSpinUpAndIsRemoved() throws Exception {
    StandInEngine docker = StandInEngine.install(tmp.resolve("engine"), "docker");
    Path project = Files.createDirectories(tmp.resolve("project"));
    Executor ex = new Executor("docker", List.of(new ContainerImage("scratch/no-shell:1", null, null, null, null, null)), null);
    JobSpec job = new JobSpec("bad", "build", List.of(), ex, null, null, null, Map.of(), 1,
        List.of(TestJobs.run("Never", "echo never-ran")), List.of(), null);
    LocalWorkflowRunner runner = new LocalWorkflowRunner(new LocalWorkflowRunner.Options(project, 1, Map.of(), console,
        Duration.ofMillis(500), new LocalGit.Trigger("main", null, "abc", null, null, null),
        EngineChoice.choose("docker", docker.path()).engine(), 20));
    List<JobOutcome> out = runner.run(List.of(job));
    String text = console.toString(StandardCharsets.UTF_8);
    assertThat(out.get(0).status()).isEqualTo("failed");
    assertThat(JobOutcome.failingStep(out.get(0).nodes().get(0)).orElseThrow().name()).isEqualTo("Spin up environment");
    assertThat(text).contains("[bad/Spin up environment] Error: the primary container scratch/no-shell:1 exited before"
        + " its shim started (it needs /bin/sh); primary log: exec /bin/sh: no such file or directory")
        .doesNotContain("never-ran");
    String name = "circlet-" + runner.workflowId().substring(0, 8) + "-bad";
    assertThat(docker.calls()).contains("docker rm -f " + name, "docker network rm " + name + "-net");
  }

  @Test
  void anEngineThatDoesNotAnswerIsAnErrorWhenNamedAndShellModeOtherwise() throws Exception {
    StandInEngine docker = StandInEngine.install(tmp.resolve("engine"), "docker");
    docker.down();
    assertThatThrownBy(() -> EngineChoice.choose("docker", docker.path()))
        .hasMessageContaining("--engine docker: docker does not answer")
        .hasMessageContaining("Cannot connect to the Docker daemon");
    EngineChoice auto = EngineChoice.choose(null, docker.path());
    assertThat(auto.shell()).isTrue();
    assertThat(auto.notice()).contains("docker does not answer: Cannot connect", "podman not installed",
        "jobs run in this machine's shell");
    assertThat(EngineChoice.choose("shell", docker.path()).notice()).isNull();
    assertThatThrownBy(() -> EngineChoice.choose("kubernetes", docker.path())).hasMessageContaining("docker, podman or shell");
    assertThatThrownBy(() -> EngineChoice.choose("podman", docker.path())).hasMessageContaining("no podman on PATH");
  }

  @Test
  void anAnsweringPodmanIsChosenWhenNoDockerIsInstalled() throws Exception {
    StandInEngine podman = StandInEngine.install(tmp.resolve("engine"), "podman");
    EngineChoice auto = EngineChoice.choose(null, podman.path());
    assertThat(auto.engine().name()).isEqualTo("podman");
    assertThat(auto.notice()).contains("jobs run in their images with podman");
  }
}
