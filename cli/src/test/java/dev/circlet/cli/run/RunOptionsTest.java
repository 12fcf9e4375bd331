package dev.circlet.cli.run;

import static dev.circlet.cli.run.RunExamplesTest.circlet;
import static org.assertj.core.api.Assertions.assertThat;

import dev.circlet.cli.run.RunExamplesTest.Run;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code circlet run} options: orb stores, branch and revision, engines, git exclude, kept runs. */
class RunOptionsTest {
  @TempDir Path tmp;

  static final String ORB = """
      version: 2.1
      commands:
        hello:
          parameters:
            who: {type: string, default: orb}
          steps:
            - run: echo "hello from the << parameters.who >>"
      """;

  Path orbProject() throws IOException {
    Path p = tmp.resolve("orb-user");
    Files.createDirectories(p.resolve(".circleci"));
    Files.writeString(p.resolve(".circleci/config.yml"), """
        version: 2.1
        orbs:
          greet: acme/greet@1.0
        jobs:
          a:
            docker: [{image: cimg/base:current}]
            steps: [greet/hello]
        workflows:
          w: {jobs: [a]}
        """);
    Path store = tmp.resolve("store/acme/greet");
    Files.createDirectories(store);
    Files.writeString(store.resolve("1.0.3.yml"), ORB);
    return p;
  }

  Run local(Map<String, String> environment, LocalRun.Request req) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = new LocalRun(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), environment).run(req);
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  static LocalRun.Request request(Path p, List<Path> orbDirs, String branch, String engine) {
    return new LocalRun.Request(p, null, null, Map.of(), Map.of(), 2, orbDirs, branch, null, null, engine, 20);
  }

  @Test
  void runFindsOrbsWhereValidateDoes() throws Exception {
    Path p = orbProject();
    Path store = tmp.resolve("store");
    Run missing = circlet("run", p.toString(), "--engine", "shell");
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err()).contains("acme/greet");

    Run flag = circlet("run", p.toString(), "--engine", "shell", "--orb-dir", store.toString());
    assertThat(flag.code()).as(flag.out() + flag.err()).isZero();
    assertThat(flag.out()).contains("hello from the orb");

    Run env = local(Map.of("CIRCLET_ORB_DIR", store.toString(), "PATH", ""), request(p, List.of(), null, "shell"));
    assertThat(env.code()).as(env.out() + env.err()).isZero();
    assertThat(env.out()).contains("hello from the orb");

    assertThat(circlet("config", "validate", p.resolve(".circleci/config.yml").toString(), "--orb-dir",
        store.toString()).code()).isZero();
  }

  Path gitProject() throws Exception {
    Path p = tmp.resolve("repo");
    Files.createDirectories(p.resolve(".circleci"));
    Files.writeString(p.resolve(".circleci/config.yml"), """
        version: 2.1
        jobs:
          show:
            docker: [{image: cimg/base:current}]
            steps:
              - run: echo "compiled=<< pipeline.git.branch >> env=$CIRCLE_BRANCH sha=$CIRCLE_SHA1"
              - run: echo x > k
              - save_cache:
                  key: v1-{{ .Branch }}-{{ checksum "k" }}
                  paths: [k]
        workflows:
          w: {jobs: [show]}
        """);
    git(p, "init", "-q", "-b", "release");
    git(p, "add", ".");
    git(p, "-c", "user.name=t", "-c", "user.email=t@e", "commit", "-q", "-m", "one");
    return p;
  }

  @Test
  void aDetachedHeadCompilesAndRunsForOneBranchAndFlagsOverrideIt() throws Exception {
    Path p = gitProject();
    git(p, "checkout", "-q", "--detach");
    Run detached = circlet("run", p.toString(), "--engine", "shell");
    assertThat(detached.code()).as(detached.out() + detached.err()).isZero();
    assertThat(detached.err()).contains("detached HEAD at", "using branch release");
    assertThat(detached.out()).containsPattern("compiled=release env=release sha=[0-9a-f]{40}")
        .contains("Stored cache v1-release-");

    Run flagged = circlet("run", p.toString(), "--engine", "shell", "--branch", "feature/x", "--revision", "cafe");
    assertThat(flagged.code()).isZero();
    assertThat(flagged.out()).contains("compiled=feature/x env=feature/x sha=cafe").contains("Stored cache v1-feature/x-");

    assertThat(circlet("run", p.toString(), "--branch", "a", "--tag", "b").code()).isNotZero();
  }

  @Test
  void theFirstRunExcludesCircletInTheCloneAndOldRunsArePruned() throws Exception {
    Path p = gitProject();
    Run first = circlet("run", p.toString(), "--engine", "shell", "--keep-runs", "2");
    assertThat(first.out()).contains("added .circlet/ to");
    assertThat(Files.readString(p.resolve(".git/info/exclude"))).contains("/.circlet/");
    Process st = new ProcessBuilder("git", "status", "--porcelain").directory(p.toFile()).start();
    assertThat(new String(st.getInputStream().readAllBytes())).isEmpty();
    circlet("run", p.toString(), "--engine", "shell", "--keep-runs", "2");
    Run third = circlet("run", p.toString(), "--engine", "shell", "--keep-runs", "2");
    assertThat(third.out()).doesNotContain("added .circlet/ to");
    try (var s = Files.list(p.resolve(".circlet/runs"))) {
      assertThat(s.map(x -> x.getFileName().toString()).sorted()).containsExactly("2", "3");
    }
    assertThat(circlet("run", p.toString(), "--keep-runs", "0").err()).contains("--keep-runs must be at least 1");
  }

  @Test
  void withAnEngineTheJobRunsInItsImageThroughTheStandInDocker() throws Exception {
    Path engine = tmp.resolve("engine");
    Path bin = Files.createDirectories(engine.resolve("bin"));
    Path state = Files.createDirectories(engine.resolve("state"));
    String script;
    try (InputStream in = Files.newInputStream(Path.of("..", "runner-agent", "src", "test", "resources", "dev",
        "circlet", "runner", "local", "stand-in-docker"))) {
      script = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("@STATE@", state.toString());
    }
    Files.writeString(bin.resolve("docker"), script);
    Files.setPosixFilePermissions(bin.resolve("docker"), PosixFilePermissions.fromString("rwxr-xr-x"));
    Path p = new RunExamplesTest().copyTo("hello-world", tmp);
    Map<String, String> environment = new HashMap<>(System.getenv());
    environment.put("PATH", bin + ":" + System.getenv("PATH"));
    Run r = local(environment, request(p, List.of(), null, null));
    assertThat(r.code()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains("circlet: jobs run in their images with docker")
        .contains("[hello] running in cimg/base:current with docker")
        .contains("[hello/Say hello] Hello, world from hello on node 0/1")
        .doesNotContain("is not started");
    List<String> calls = new ArrayList<>(Files.readAllLines(state.resolve("calls")));
    assertThat(calls).anyMatch(c -> c.startsWith("docker run -d --name circlet-") && c.contains(" --entrypoint /bin/sh cimg/base:current "));
  }

  @Test
  void withoutAnEngineShellModeIsSaidOnceWithTheImageBesideThisMachinesTools() throws Exception {
    Path p = tmp.resolve("node");
    Files.createDirectories(p.resolve(".circleci"));
    Files.writeString(p.resolve(".circleci/config.yml"), """
        version: 2.1
        jobs:
          t:
            docker: [{image: cimg/node:16.20}]
            parallelism: 2
            steps: [{run: echo ok}]
        workflows:
          w: {jobs: [t]}
        """);
    Run r = local(Map.of("PATH", tmp.resolve("empty").toString()), request(p, List.of(), null, null));
    assertThat(r.code()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).containsOnlyOnce("no container engine answered (docker not installed; podman not installed)")
        .containsOnlyOnce("[t] notice: docker image cimg/node:16.20 is not started; the steps run in this machine's shell (image: node 16.20; here: ")
        .containsPattern("  #0  success ").containsPattern("  #1  success ");
  }

  static void git(Path dir, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("git"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) {
      throw new IOException(String.join(" ", cmd) + ": " + out);
    }
  }
}
