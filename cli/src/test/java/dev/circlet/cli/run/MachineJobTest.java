package dev.circlet.cli.run;

import static dev.circlet.cli.run.RunExamplesTest.circlet;
import static org.assertj.core.api.Assertions.assertThat;

import dev.circlet.cli.run.RunExamplesTest.Run;
import dev.circlet.runner.local.DockerCli;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code circlet run} of a {@code machine:} job: the steps run in this machine's shell with its
 * Docker CLI when there is one, and the job's notice says which (or that there is none).
 */
class MachineJobTest {
  @TempDir Path tmp;

  record NoticeCase(String image, String cli, String version, String expected) {}

  @Test
  void theNoticeNamesTheCliItsVersionOrItsAbsence() {
    String shell = "is not started; the steps run in this machine's shell";
    List<NoticeCase> table = List.of(
        new NoticeCase("ubuntu-2204:current", "/usr/bin/docker", "Docker version 28.2.2, build e6534b4",
            "machine executor image ubuntu-2204:current " + shell
                + " with the Docker CLI at /usr/bin/docker (Docker version 28.2.2, build e6534b4)"),
        new NoticeCase(null, "/usr/local/bin/docker", "Docker version 27.0.1",
            "machine executor " + shell + " with the Docker CLI at /usr/local/bin/docker (Docker version 27.0.1)"),
        new NoticeCase("default", "/opt/docker", null,
            "machine executor image default " + shell + " with the Docker CLI at /opt/docker,"
                + " which does not answer docker --version: steps that use docker may fail"),
        new NoticeCase("ubuntu-2204:current", null, null,
            "machine executor image ubuntu-2204:current " + shell + "; no Docker CLI found"
                + " (on PATH, /usr/local/bin, /usr/bin, ~/.docker/bin): steps that use docker will fail"));
    for (NoticeCase c : table) {
      assertThat(DockerCli.notice(c.image(), Optional.ofNullable(c.cli()).map(Path::of), c.version()))
          .as(c.toString()).isEqualTo(c.expected());
    }
  }

  record FindCase(String name, String path, List<String> more, String expected) {}

  @Test
  void theCliIsTheFirstExecutableDockerOnPathThenInTheUsualPlaces() throws IOException {
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    Path a = executable(tmp.resolve("a/docker"));
    Path b = executable(tmp.resolve("b/docker"));
    Path plain = tmp.resolve("plain/docker");
    Files.createDirectories(plain.getParent());
    Files.writeString(plain, "not executable");
    Files.createDirectories(tmp.resolve("dir/docker"));
    Path usual = executable(tmp.resolve("usual/docker"));
    String sep = File.pathSeparator;
    List<FindCase> table = List.of(
        new FindCase("first on PATH wins", empty + sep + a.getParent() + sep + b.getParent(), List.of(), a.toString()),
        new FindCase("PATH before the usual places", b.getParent().toString(), List.of(usual.getParent().toString()),
            b.toString()),
        new FindCase("a file that is not executable is passed over", plain.getParent() + sep + b.getParent(), List.of(),
            b.toString()),
        new FindCase("a directory named docker is passed over", tmp.resolve("dir") + sep + a.getParent(), List.of(),
            a.toString()),
        new FindCase("empty PATH entries are skipped", sep + sep + a.getParent() + sep, List.of(), a.toString()),
        new FindCase("the usual places when PATH has none", empty.toString(), List.of(usual.getParent().toString()),
            usual.toString()),
        new FindCase("no PATH at all", null, List.of(usual.getParent().toString()), usual.toString()),
        new FindCase("nowhere", empty.toString(), List.of(tmp.resolve("missing").toString()), null));
    for (FindCase c : table) {
      assertThat(DockerCli.find(c.path(), c.more().stream().map(Path::of).toList()).map(Path::toString))
          .as(c.name()).isEqualTo(Optional.ofNullable(c.expected()));
    }
  }

  @Test
  void aMachineJobRunsInThisShellWithThisMachinesDockerCliWhenThereIsOne() throws Exception {
    Path p = Files.createDirectories(tmp.resolve("vm-job"));
    Files.createDirectories(p.resolve(".circleci"));
    Files.writeString(p.resolve(".circleci/config.yml"), """
        version: 2.1
        jobs:
          build:
            machine:
              image: ubuntu-2204:current
            steps:
              - run:
                  name: Docker here
                  command: if command -v docker >/dev/null; then echo "DOCKER AT $(command -v docker)"; else echo "NO DOCKER"; fi
        workflows:
          main:
            jobs: [build]
        """);
    SetupRunTest.git(p, "init", "-q", "-b", "main");
    SetupRunTest.git(p, "add", "-A");
    SetupRunTest.git(p, "commit", "-q", "-m", "machine job");

    Run r = circlet("run", p.toString(), "--engine", "shell");
    assertThat(r.code()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains("notice: machine executor image ubuntu-2204:current is not started;"
        + " the steps run in this machine's shell");
    // Whether this machine has a Docker CLI is not the test's to choose: the notice and the steps agree.
    Optional<Path> cli = DockerCli.find();
    if (cli.isPresent()) {
      assertThat(r.out()).contains("with the Docker CLI at " + cli.get()).containsPattern("DOCKER AT /\\S+/docker");
    } else {
      assertThat(r.out()).contains("no Docker CLI found").contains("NO DOCKER");
    }
  }

  private static Path executable(Path f) throws IOException {
    Files.createDirectories(f.getParent());
    Files.writeString(f, "#!/bin/sh\necho 'Docker version 0.0.0-test'\n");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
    return f;
  }
}
