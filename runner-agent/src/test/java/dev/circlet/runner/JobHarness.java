package dev.circlet.runner;

import dev.circlet.config.model.JobSpec;
import dev.circlet.config.model.Step;
import dev.circlet.runner.model.BuildInfo;
import dev.circlet.runner.shim.ShimDriver;
import dev.circlet.runner.steps.LocalCheckout;
import dev.circlet.runner.store.LocalBlobStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Runs jobs through a real local shim in a temporary directory. */
final class JobHarness {
  final Path root;
  final Path project;
  final LocalBlobStore store;
  Map<String, String> secrets = Map.of();
  int nodeIndex = 0;
  int nodeTotal = 1;
  String workflowId = "wf-1";
  JobRunner runner;

  JobHarness(Path root) throws IOException {
    this.root = root;
    this.project = Files.createDirectories(root.resolve("project"));
    this.store = new LocalBlobStore(root.resolve("store"));
  }

  BuildInfo info(String job) {
    return new BuildInfo("abc123", "main", null, "https://github.com/acme/widgets.git", "alice", null, 7, 6,
        "file:///build/7", workflowId, workflowId + "/" + job, workflowId, nodeIndex, nodeTotal);
  }

  static Step step(String type, Map<String, Object> fields) {
    Map<String, Object> m = new java.util.HashMap<>(fields);
    m.put("type", type);
    return new com.fasterxml.jackson.databind.ObjectMapper().convertValue(m, Step.class);
  }

  JobResult run(String name, List<Step> steps, RecordingLog log) throws IOException {
    return run(new JobSpec(name, "build", List.of(), null, null, null, null, Map.of("JOB_VAR", "job"), 1, steps,
        List.of(), null), log);
  }

  JobResult run(JobSpec job, RecordingLog log) throws IOException {
    Path dir = root.resolve("jobs").resolve(job.name() + "." + nodeIndex);
    Path home = Files.createDirectories(dir.resolve("home"));
    JobContext ctx = new JobContext(job, info(job.name()), dir.resolve("shim"), home, store,
        new LocalCheckout(project), secrets, null, null, Duration.ofMillis(500), java.util.List.of());
    try (ShimDriver shim = new ShimDriver(ctx.shimDir())) {
      shim.startLocal();
      shim.awaitReady(Duration.ofSeconds(60));
      runner = new JobRunner(ctx, log, shim);
      JobResult r = runner.run();
      shim.finish(Summary.toJson(r.outcome(), r.steps()), r.exitCode());
      try {
        shim.awaitLocalExit(Duration.ofSeconds(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return r;
    }
  }

  Path home(String job) {
    return root.resolve("jobs").resolve(job + "." + nodeIndex).resolve("home");
  }
}
