package dev.circlet.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.circlet.runner.store.LocalBlobStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attacks from the primary container on the agent, in pod mode with the real shim: the job's
 * code plants links, absolute paths and crafted requests on the volumes it shares with the agent
 * and tries to make the agent read its own files (clone credentials, the build token,
 * {@code /proc/self/environ}), write them, or run code. The project volume is {@code home}; the
 * clone credentials, the build secret and {@code agent/} stand for the agent's own file system.
 */
class AgentBoundaryTest {
  static final String PASSWORD = "clone-password-xyz";
  static final String TOKEN = "build-token-0f9e8d";

  @TempDir Path tmp;
  Path clone;
  Path agentFiles;
  Path outside;
  Path store;

  @BeforeEach
  void agentFiles() throws IOException {
    clone = Files.createDirectories(tmp.resolve("clone"));
    Files.writeString(clone.resolve("username"), "bot");
    Files.writeString(clone.resolve("password"), PASSWORD);
    Files.createDirectories(tmp.resolve("build"));
    Files.writeString(tmp.resolve("build/token"), TOKEN);
    agentFiles = Files.createDirectories(tmp.resolve("agent"));
    Files.writeString(agentFiles.resolve("env"), "precious-env");
    Files.writeString(agentFiles.resolve("precious"), "precious");
    outside = Files.createDirectories(tmp.resolve("outside"));
    store = tmp.resolve("store");
  }

  private String origin() throws Exception {
    Path repo = Files.createDirectories(tmp.resolve("origin"));
    sh(repo, "git", "init", "-q", "-b", "main");
    Files.writeString(repo.resolve("app.txt"), "version one\n");
    sh(repo, "git", "add", "app.txt");
    sh(repo, "git", "-c", "user.email=a@b.c", "-c", "user.name=A", "commit", "-qm", "one");
    Process p = new ProcessBuilder("git", "rev-parse", "HEAD").directory(repo.toFile()).start();
    return new String(p.getInputStream().readAllBytes()).strip();
  }

  private static void sh(Path dir, String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(out).isZero();
  }

  private Path jobJson(String run, String steps, String sha) throws IOException {
    Path jobJson = tmp.resolve("build/job.json");
    Files.writeString(jobJson, """
        {"job": {"name": "build", "executor": {"kind": "docker", "images": [{"image": "cimg/base:current"}]},
                 "steps": %s},
         "trigger": {"revision": "%s", "branch": "main", "repositoryUrl": "file://%s"},
         "parallelIndex": 0, "parallelTotal": 1, "build": "shop-1-build", "buildNum": 1,
         "storageScope": "orgs/acme/projects/shop/site",
         "secrets": {"DEPLOY_TOKEN": "tok-123456"}}""".formatted(steps, sha, tmp.resolve("origin")));
    return jobJson;
  }

  /** Runs one build pod in this JVM: the shim as its own process (the primary), the agent in pod mode. */
  private int pod(String run, String steps) throws Exception {
    Path shared = tmp.resolve(run + "/circlet");
    Path home = Files.createDirectories(tmp.resolve(run + "/home"));
    Path jobJson = jobJson(run, steps.replace("SHARED", shared.toString()), "");
    assertThat(AgentMain.run(new String[] {"install", shared.toString()}, Map.of())).isZero();
    Process primary = new ProcessBuilder("/bin/sh", shared.resolve("bin/circlet-shim").toString(), shared.toString())
        .redirectErrorStream(true).start();
    int agent = AgentMain.pod(shared, jobJson, home, clone, tmp.resolve("no-contexts"), new LocalBlobStore(store));
    assertThat(primary.waitFor(20, TimeUnit.SECONDS)).isTrue();
    return agent;
  }

  /** Runs one build pod with the agent in its own JVM whose HOME is the project volume, as the operator starts it. */
  private String podProcess(String run, String steps, String sha) throws Exception {
    Path shared = tmp.resolve(run + "/circlet");
    Path home = Files.createDirectories(tmp.resolve(run + "/home"));
    Path jobJson = jobJson(run, steps, sha);
    assertThat(AgentMain.run(new String[] {"install", shared.toString()}, Map.of())).isZero();
    Process primary = new ProcessBuilder("/bin/sh", shared.resolve("bin/circlet-shim").toString(), shared.toString())
        .redirectErrorStream(true).start();
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), AgentMain.class.getName(), "pod", "--shared", shared.toString(),
        "--job", jobJson.toString(), "--home", home.toString(), "--clone", clone.toString(), "--contexts", tmp.resolve("no-contexts").toString(),
        "--store-dir", store.toString()).redirectErrorStream(true);
    pb.environment().put("HOME", home.toString());
    Process agent = pb.start();
    String out = new String(agent.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(agent.waitFor(120, TimeUnit.SECONDS)).as(out).isTrue();
    assertThat(primary.waitFor(20, TimeUnit.SECONDS)).isTrue();
    return out;
  }

  /** Every byte the store holds, archives decompressed. */
  private String storeContents() throws IOException {
    if (!Files.isDirectory(store)) {
      return "";
    }
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    try (Stream<Path> files = Files.walk(store)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        byte[] b = Files.readAllBytes(f);
        if (b.length > 2 && (b[0] & 0xff) == 0x1f && (b[1] & 0xff) == 0x8b) {
          try (InputStream in = new GZIPInputStream(Files.newInputStream(f))) {
            b = in.readAllBytes();
          }
        }
        all.write(b);
      }
    }
    return all.toString(StandardCharsets.ISO_8859_1);
  }

  private String stepOut(String run, int n) throws IOException {
    return Files.readString(tmp.resolve(run + "/circlet/steps/" + n + "/out"));
  }

  @Test
  void inJobToolsReadNothingOutsideTheProjectVolume() throws Exception {
    String req = "SHARED/tools/req.evil";
    pod("tools", """
        [{"type": "run", "name": "steal", "command": "%s"}]""".formatted(String.join("; ", "set +e",
        "circleci tests split %1$s/password >out1.txt 2>&1",
        "circleci tests split /proc/self/environ >out2.txt 2>&1",
        "ln -s %1$s/password p; circleci tests split p >out3.txt 2>&1",
        "circleci tests glob '%1$s/*' >out4.txt 2>&1",
        "mkdir -p %2$s; printf 'tests\\\\nsplit\\\\n' >%2$s/args; pwd >%2$s/cwd",
        "printf '0\\\\n1\\\\nbuild\\\\n' >%2$s/node; ln -s %3$s %2$s/stdin; : >%2$s/ready",
        "while [ ! -f %2$s/exit ]; do sleep 0.05; done; cat %2$s/stdout %2$s/stderr >out5.txt",
        "cat out1.txt out2.txt out3.txt out4.txt out5.txt")
        .formatted(clone, req, tmp.resolve("build/token"))));
    String out = stepOut("tools", 1);
    assertThat(out).doesNotContain(PASSWORD).doesNotContain(TOKEN).doesNotContain("PATH=").doesNotContain("username");
    assertThat(out).contains("outside the project volume").contains("stdin is not a regular file");
  }

  @Test
  void storageStepsNeitherReadNorFollowLinksOutOfTheVolume() throws Exception {
    pod("storage", """
        [{"type": "run", "command": "mkdir -p ws nm; ln -s %1$s ws/leak; ln -s %1$s leakdir; ln -s %1$s/password leakfile"},
         {"type": "store_artifacts", "path": "leakdir", "when": "always"},
         {"type": "store_artifacts", "path": "leakfile", "when": "always"},
         {"type": "store_artifacts", "path": "%1$s/password", "when": "always"},
         {"type": "persist_to_workspace", "root": "ws", "paths": ["leak/password"], "when": "always"},
         {"type": "save_cache", "key": "v1-leak", "paths": ["~/project/ws/leak/password"], "when": "always"},
         {"type": "save_cache", "key": "v1-abs", "paths": ["%1$s"], "when": "always"},
         {"type": "save_cache", "key": "c-{{ checksum \\"leakfile\\" }}", "paths": ["nm"], "when": "always"},
         {"type": "store_test_results", "path": "leakdir", "when": "always"}]""".formatted(clone));
    assertThat(storeContents()).doesNotContain(PASSWORD);
    String summary = Files.readString(tmp.resolve("storage/circlet/summary.json"));
    assertThat(summary.split("\"s\":\"failed\"", -1)).as(summary).hasSize(9);
  }

  @Test
  void restoresGoThroughAPrivateDirectoryAndNeverFollowAPlantedLink() throws Exception {
    pod("save", """
        [{"type": "run", "command": "mkdir -p nm && echo cached >nm/pwned.txt"},
         {"type": "save_cache", "key": "v1-nm", "paths": ["~/project/nm"]},
         {"type": "persist_to_workspace", "root": ".", "paths": ["nm"]}]""");
    Path outside2 = Files.createDirectories(tmp.resolve("outside2"));
    int code = pod("restore", """
        [{"type": "run", "workingDirectory": "~", "command": "rm -rf project && ln -s %1$s project && ln -s %2$s ws"},
         {"type": "restore_cache", "keys": ["v1-"]},
         {"type": "attach_workspace", "at": "~/ws", "when": "always"},
         {"type": "run", "workingDirectory": "~", "command": "ls -l; cat project/nm/pwned.txt", "when": "always"}]"""
        .formatted(outside, outside2));
    try (Stream<Path> s = Stream.concat(Files.walk(outside), Files.walk(outside2))) {
      assertThat(s.filter(p -> !p.equals(outside) && !p.equals(outside2)).toList()).isEmpty();
    }
    assertThat(code).isEqualTo(1);
    assertThat(Files.isSymbolicLink(tmp.resolve("restore/home/project"))).isFalse();
    assertThat(stepOut("restore", 4)).contains("cached");
  }

  @Test
  void stepFilesAreNeverWrittenThroughPlantedLinks() throws Exception {
    int code = pod("steps", """
        [{"type": "run", "command": "ln -s %1$s SHARED/steps/2; ln -s %1$s/precious SHARED/summary.json.tmp; ln -s %1$s/precious SHARED/done.tmp"},
         {"type": "run", "command": "echo two"}]""".formatted(agentFiles));
    assertThat(code).isZero();
    assertThat(Files.readString(agentFiles.resolve("env"))).isEqualTo("precious-env");
    assertThat(Files.readString(agentFiles.resolve("precious"))).isEqualTo("precious");
    try (Stream<Path> s = Files.list(agentFiles)) {
      assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactlyInAnyOrder("env", "precious");
    }
    assertThat(stepOut("steps", 2)).isEqualTo("two\n");
    assertThat(Files.readString(tmp.resolve("steps/circlet/summary.json"))).contains("\"outcome\":\"success\"");
  }

  @Test
  void checkoutRunsNoHookOfAPlantedGitDirectory() throws Exception {
    String sha = origin();
    Path stolen = tmp.resolve("stolen");
    String out = podProcess("hooks", """
        [{"type": "run", "workingDirectory": "~", "command": "mkdir -p project && cd project && git init -q && printf '#!/bin/sh\\\\ncat %1$s/password >%2$s\\\\n' >.git/hooks/post-checkout && chmod +x .git/hooks/post-checkout && git config core.fsmonitor 'cat %1$s/password >%2$s.fsmonitor; false'"},
         {"type": "checkout"},
         {"type": "run", "command": "cat app.txt; ls .git/hooks | grep -c post-checkout || true"}]""".formatted(clone, stolen), sha);
    assertThat(tmp.resolve("stolen")).doesNotExist();
    assertThat(tmp.resolve("stolen.fsmonitor")).doesNotExist();
    assertThat(stepOut("hooks", 3)).as(out).isEqualTo("version one\n0\n");
  }

  @Test
  void checkoutIgnoresAGitconfigPlantedInTheSharedHome() throws Exception {
    String sha = origin();
    Path hooks = Files.createDirectories(tmp.resolve("hooks"));
    Files.writeString(hooks.resolve("post-checkout"), "#!/bin/sh\ncat " + clone.resolve("password") + " >"
        + tmp.resolve("stolen") + "\n");
    hooks.resolve("post-checkout").toFile().setExecutable(true);
    String out = podProcess("gitconfig", """
        [{"type": "run", "command": "printf '[core]\\\\n\\\\thooksPath = %s\\\\n' >%s/.gitconfig"},
         {"type": "checkout"},
         {"type": "run", "command": "cat app.txt"}]""".formatted(hooks, tmp.resolve("gitconfig/home")), sha);
    assertThat(tmp.resolve("stolen")).as(out).doesNotExist();
    assertThat(stepOut("gitconfig", 3)).as(out).isEqualTo("version one\n");
    List<String> lines = new ArrayList<>(out.lines().toList());
    assertThat(lines).anyMatch(l -> l.contains("job success"));
  }
}
