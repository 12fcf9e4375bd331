package dev.circlet.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.circlet.runner.model.JobFile;
import dev.circlet.runner.store.BlobStore;
import dev.circlet.runner.store.GatewayBlobStore;
import dev.circlet.runner.store.LocalBlobStore;
import dev.circlet.runner.store.ScopedBlobStore;
import dev.circlet.runner.stream.GatewayConnection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The build pod flow on one machine: {@code install}, the shim started as its own process (the
 * primary container), the agent in pod mode reading job.json, cloning with agent-only credentials.
 */
class AgentPodTest {
  @TempDir Path tmp;
  String head;

  private static void sh(Path dir, String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(out).isZero();
  }

  private String repo() throws Exception {
    Path repo = Files.createDirectories(tmp.resolve("origin"));
    sh(repo, "git", "init", "-q", "-b", "main");
    Files.writeString(repo.resolve("app.txt"), "version one\n");
    sh(repo, "git", "add", "app.txt");
    sh(repo, "git", "-c", "user.email=a@b.c", "-c", "user.name=A", "commit", "-qm", "one");
    Process p = new ProcessBuilder("git", "rev-parse", "HEAD").directory(repo.toFile()).start();
    String sha = new String(p.getInputStream().readAllBytes()).strip();
    Files.writeString(repo.resolve("app.txt"), "version two\n");
    sh(repo, "git", "-c", "user.email=a@b.c", "-c", "user.name=A", "commit", "-qam", "two");
    Process h = new ProcessBuilder("git", "rev-parse", "HEAD").directory(repo.toFile()).start();
    head = new String(h.getInputStream().readAllBytes()).strip();
    return sha;
  }

  private int runPod(String steps, String sha, Path shared) throws Exception {
    return runPod(steps, sha, shared, tmp.resolve("no-contexts"));
  }

  private int runPod(String steps, String sha, Path shared, Path contexts) throws Exception {
    Path jobJson = tmp.resolve("build/job.json");
    Files.createDirectories(jobJson.getParent());
    Files.writeString(jobJson, """
        {"job": {"name": "build", "executor": {"kind": "docker", "images": [{"image": "cimg/base:current"}]},
                 "environment": {"STAGE": "ci"}, "steps": %s},
         "trigger": {"revision": "%s", "branch": "main", "repositoryUrl": "file://%s"},
         "parallelIndex": 0, "parallelTotal": 1, "build": "shop-1-build", "buildNum": 1,
         "secrets": {"DEPLOY_TOKEN": "tok-123456"}}""".formatted(steps, sha, tmp.resolve("origin")));
    Path clone = Files.createDirectories(tmp.resolve("clone"));
    Files.writeString(clone.resolve("username"), "bot");
    Files.writeString(clone.resolve("password"), "clone-password-xyz");
    assertThat(AgentMain.run(new String[] {"install", shared.toString()}, Map.of())).isZero();
    Process primary = new ProcessBuilder("/bin/sh", shared.resolve("bin/circlet-shim").toString(), shared.toString())
        .redirectErrorStream(true).start();
    int agent = AgentMain.pod(shared, jobJson, Files.createDirectories(tmp.resolve("home")), clone, contexts,
        new LocalBlobStore(tmp.resolve("store")));
    assertThat(primary.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(primary.exitValue()).isEqualTo(agent);
    return agent;
  }

  @Test
  void clonesAtTheRevisionRunsStepsAndEndsThePrimaryWithTheOutcome() throws Exception {
    String sha = repo();
    Path shared = tmp.resolve("circlet");
    int code = runPod("""
        [{"type": "checkout"}, {"type": "run", "name": "show", "command": "cat app.txt; git log --oneline | wc -l; echo $STAGE $DEPLOY_TOKEN"}]""",
        sha, shared);
    assertThat(code).isZero();
    assertThat(Files.readString(shared.resolve("summary.json")))
        .matches("\\{\"outcome\":\"success\",\"steps\":\\[\\{\"n\":\"Checkout code\",\"s\":\"success\",\"ms\":\\d+,\"x\":0},"
            + "\\{\"n\":\"show\",\"s\":\"success\",\"ms\":\\d+,\"x\":0}]}");
    assertThat(Files.readString(shared.resolve("steps/2/out"))).isEqualTo("version one\n1\nci tok-123456\n");
    // the clone credentials never reach the volumes the primary container mounts
    for (Path vol : List.of(shared, tmp.resolve("home"))) {
      try (Stream<Path> files = Files.walk(vol)) {
        for (Path f : files.filter(Files::isRegularFile).toList()) {
          assertThat(Files.readString(f, java.nio.charset.StandardCharsets.ISO_8859_1)).as(f.toString())
              .doesNotContain("clone-password-xyz");
        }
      }
    }
  }

  /** Context Secrets as the kubelet mounts them: files linked into ..data, one directory per context. */
  @Test
  void contextsBecomeEnvironmentInTheJobsOrderOverProjectValues() throws Exception {
    String sha = repo();
    Path contexts = tmp.resolve("contexts");
    secretVolume(contexts.resolve("0"), Map.of("AWS_SECRET", "aws-secret-value-1", "DEPLOY_TOKEN", "first-context"));
    secretVolume(contexts.resolve("1"), Map.of("DEPLOY_TOKEN", "ctx-token-999"));
    int code = runPod("""
        [{"type": "run", "name": "env", "command": "echo $AWS_SECRET $DEPLOY_TOKEN"}]""", sha, tmp.resolve("circlet"), contexts);
    assertThat(code).isZero();
    assertThat(Files.readString(tmp.resolve("circlet/steps/1/out"))).isEqualTo("aws-secret-value-1 ctx-token-999\n");
    assertThat(AgentMain.secrets(dev.circlet.runner.model.JobFile.read(tmp.resolve("build/job.json")), contexts))
        .containsEntry("DEPLOY_TOKEN", "ctx-token-999").containsEntry("AWS_SECRET", "aws-secret-value-1");
  }

  private static void secretVolume(Path dir, Map<String, String> data) throws IOException {
    Path real = Files.createDirectories(dir.resolve("..2026_12_01"));
    Files.createSymbolicLink(dir.resolve("..data"), real.getFileName());
    for (var e : data.entrySet()) {
      Files.writeString(real.resolve(e.getKey()), e.getValue());
      Files.createSymbolicLink(dir.resolve(e.getKey()), Path.of("..data", e.getKey()));
    }
  }

  @Test
  void fullCheckoutHasTheHistoryShallowDoesNot() throws Exception {
    repo();
    int code = runPod("""
        [{"type": "checkout", "path": "shallow"}, {"type": "checkout", "path": "full", "method": "full"},
         {"type": "run", "name": "count", "command": "git -C shallow log --oneline | wc -l; git -C full log --oneline | wc -l; cat full/app.txt"}]""",
        head, tmp.resolve("circlet"));
    assertThat(code).isZero();
    assertThat(Files.readString(tmp.resolve("circlet/steps/3/out")).replace(" ", "")).isEqualTo("1\n2\nversiontwo\n");
  }

  @Test
  void failedJobEndsThePrimaryWithOne() throws Exception {
    String sha = repo();
    int code = runPod("[{\"type\": \"run\", \"command\": \"exit 4\"}]", sha, tmp.resolve("circlet"));
    assertThat(code).isEqualTo(1);
    assertThat(Files.readString(tmp.resolve("circlet/summary.json"))).contains("\"outcome\":\"failed\"", "\"x\":4");
  }

  @Test
  void usageAndStorageErrorsAreOneLine() {
    assertThatThrownBy(() -> AgentMain.run(new String[] {"fly"}, Map.of())).hasMessageStartingWith("usage: circlet-agent");
    assertThatThrownBy(() -> AgentMain.store(Map.of(), Map.of()))
        .hasMessage("no storage: set CIRCLET_S3_ENDPOINT and CIRCLET_S3_BUCKET, or --store-dir");
    assertThatThrownBy(() -> AgentMain.store(Map.of(), Map.of("CIRCLET_S3_ENDPOINT", "http://x")))
        .hasMessage("CIRCLET_S3_ENDPOINT is set but CIRCLET_S3_BUCKET is not");
    assertThatThrownBy(() -> AgentMain.podStore(Map.of(), Map.of("CIRCLET_S3_ENDPOINT", "http://x")))
        .as("storage set up wrongly is an error, not a silent fallback")
        .hasMessage("CIRCLET_S3_ENDPOINT is set but CIRCLET_S3_BUCKET is not");
  }

  /** A cluster without storage still runs jobs: the pod keeps its own caches and workspaces. */
  @Test
  void aPodWithoutStorageKeepsItsBlobsInside() throws Exception {
    BlobStore store = AgentMain.podStore(Map.of(), Map.of());
    assertThat(store).isInstanceOf(LocalBlobStore.class);
    store.putBytes("caches/v1-x.tar.gz", "x".getBytes());
    assertThat(store.getBytes("caches/v1-x.tar.gz")).isPresent();
    assertThat(AgentMain.podStore(Map.of("store-dir", tmp.resolve("s").toString()), Map.of()))
        .isInstanceOf(LocalBlobStore.class);
  }

  /** In a cluster the gateway is the store: the pod holds no storage credentials; explicit storage still wins. */
  @Test
  void aPodWithAGatewayIdentityStoresThroughTheGateway() throws Exception {
    Path token = Files.writeString(tmp.resolve("token"), "t");
    try (GatewayConnection gw = new GatewayConnection("127.0.0.1:1", true, GatewayConnection.credentials(token))) {
      BlobStore store = AgentMain.podStore(Map.of(), Map.of("CIRCLET_GATEWAY", "127.0.0.1:1"), gw);
      assertThat(store).isInstanceOf(GatewayBlobStore.class);
      JobFile scoped = JobFile.parse("{\"job\": {\"name\": \"b\"}, \"storageScope\": \"orgs/acme/projects/shop/site\"}");
      assertThat(AgentMain.scoped(store, scoped, false)).as("the gateway scopes keys itself").isSameAs(store);
      assertThat(AgentMain.podStore(Map.of("store-dir", tmp.resolve("s").toString()), Map.of(), gw))
          .isInstanceOf(LocalBlobStore.class);
    }
    assertThat(AgentMain.configuredStore(Map.of(), Map.of("CIRCLET_GATEWAY", "g:1"))).isFalse();
    assertThat(AgentMain.configuredStore(Map.of(), Map.of("CIRCLET_S3_ENDPOINT", "http://s3"))).isTrue();
  }

  @Test
  void missingJobFileIsReported() {
    assertThatThrownBy(() -> AgentMain.pod(tmp, tmp.resolve("absent.json"), tmp, tmp, tmp, new LocalBlobStore(tmp)))
        .isInstanceOf(IOException.class).hasMessage("job file not found: " + tmp.resolve("absent.json"));
  }

  @Test
  void sharedStorageNeedsTheScopeTheOperatorWrites() throws Exception {
    BlobStore store = new LocalBlobStore(tmp.resolve("s"));
    JobFile none = JobFile.parse("{\"job\": {\"name\": \"b\"}}");
    assertThatThrownBy(() -> AgentMain.scoped(store, none, true))
        .hasMessageStartingWith("job.json has no storageScope: refusing shared storage");
    assertThat(((ScopedBlobStore) AgentMain.scoped(store, none, false)).scope()).isEqualTo("pod");
    JobFile scoped = JobFile.parse("{\"job\": {\"name\": \"b\"}, \"storageScope\": \"orgs/acme/projects/shop/site\"}");
    assertThat(((ScopedBlobStore) AgentMain.scoped(store, scoped, true)).scope()).isEqualTo("orgs/acme/projects/shop/site");
    JobFile climbing = JobFile.parse("{\"job\": {\"name\": \"b\"}, \"storageScope\": \"orgs/../hobby\"}");
    assertThatThrownBy(() -> AgentMain.scoped(store, climbing, true)).hasMessageContaining("is not valid");
    assertThat(AgentMain.isShared(Map.of(), Map.of("CIRCLET_S3_ENDPOINT", "http://s3"))).isTrue();
    assertThat(AgentMain.isShared(Map.of("store-dir", "/x"), Map.of())).isTrue();
    assertThat(AgentMain.isShared(Map.of(), Map.of())).isFalse();
    // the pod refuses before it runs anything
    Path jobJson = Files.writeString(tmp.resolve("job.json"), "{\"job\": {\"name\": \"b\", \"steps\": []}}");
    assertThatThrownBy(() -> AgentMain.pod(tmp.resolve("circlet"), jobJson, tmp, tmp, tmp, tmp, store, true, Map.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("job.json has no storageScope");
  }
}
