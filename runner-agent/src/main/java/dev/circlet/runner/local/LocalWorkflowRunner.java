package dev.circlet.runner.local;

import dev.circlet.config.model.ContainerImage;
import dev.circlet.config.model.JobSpec;
import dev.circlet.config.model.RequiredStatus;
import dev.circlet.runner.JobContext;
import dev.circlet.runner.JobResult;
import dev.circlet.runner.JobRunner;
import dev.circlet.runner.Summary;
import dev.circlet.runner.model.BuildInfo;
import dev.circlet.runner.model.Jobs;
import dev.circlet.runner.shim.ShimDriver;
import dev.circlet.runner.steps.LocalCheckout;
import dev.circlet.runner.store.BlobStore;
import dev.circlet.runner.store.LocalBlobStore;
import dev.circlet.runner.store.ScopedBlobStore;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs a workflow's DAG on this machine: each job (and each parallel node) through its own local
 * shim in the host's shell, as many at once as {@code maxParallel} allows, with caches, workspaces,
 * artifacts and test results in {@code PROJECT/.circlet/store}.
 */
public final class LocalWorkflowRunner {
  /** Settings of one local run. */
  public record Options(Path project, int maxParallel, Map<String, String> secrets, OutputStream console,
      Duration killGrace) {}

  private final Options o;
  private final Path circlet;
  private final BlobStore store;
  private final AtomicBoolean canceled = new AtomicBoolean();
  private final List<JobRunner> active = new CopyOnWriteArrayList<>();
  private Path runDir;
  private String workflowId;

  public LocalWorkflowRunner(Options o) {
    this.o = o;
    this.circlet = o.project().toAbsolutePath().normalize().resolve(".circlet");
    this.store = new ScopedBlobStore(new LocalBlobStore(circlet.resolve("store")), ScopedBlobStore.localScope(o.project()));
  }

  /** The directory of the current run ({@code .circlet/runs/<n>}); logs are in its {@code logs/}. */
  public Path runDir() {
    return runDir;
  }

  public String workflowId() {
    return workflowId;
  }

  /** Stops running steps and starts no further job. */
  public void cancel() {
    canceled.set(true);
    active.forEach(JobRunner::cancel);
  }

  /** Runs the jobs (a validated DAG) and returns an outcome per job in workflow order. */
  public List<JobOutcome> run(List<JobSpec> jobs) throws IOException, InterruptedException {
    WorkflowGraph graph = new WorkflowGraph(jobs);
    Files.createDirectories(circlet);
    try (FileChannel lockFile = FileChannel.open(circlet.resolve("run.lock"), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE); FileLock lock = lockFile.tryLock()) {
      if (lock == null) {
        throw new IllegalArgumentException("another circlet run is using " + circlet);
      }
      return runLocked(jobs, graph);
    }
  }

  private List<JobOutcome> runLocked(List<JobSpec> jobs, WorkflowGraph graph) throws IOException, InterruptedException {
    runDir = newRunDir();
    workflowId = UUID.randomUUID().toString();
    LocalGit.Info git = LocalGit.read(o.project());
    Map<String, JobOutcome> done = new LinkedHashMap<>();
    Map<String, Future<JobOutcome>> running = new HashMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, o.maxParallel()));
    ExecutorCompletionService<JobOutcome> cs = new ExecutorCompletionService<>(pool);
    try {
      while (done.size() < jobs.size()) {
        for (JobSpec j : jobs) {
          if (done.containsKey(j.name()) || running.containsKey(j.name())) {
            continue;
          }
          if (canceled.get()) {
            done.put(j.name(), new JobOutcome(j.name(), "canceled", 0, 0, 0, null));
            continue;
          }
          boolean blocked = j.requires().stream().anyMatch(r -> done.containsKey(r)
              && !RequiredStatus.accepts(j.acceptedStatuses(r), done.get(r).requiresStatus()));
          boolean ready = j.requires().stream().allMatch(r -> done.containsKey(r)
              && RequiredStatus.accepts(j.acceptedStatuses(r), done.get(r).requiresStatus()));
          if (blocked) {
            done.put(j.name(), new JobOutcome(j.name(), "blocked", 0, 0, 0, null));
          } else if (ready && !serialGroupBusy(j, running.keySet(), jobs)) {
            Set<String> up = graph.upstream(j.name());
            running.put(j.name(), cs.submit(() -> runJob(j, up, git)));
          }
        }
        if (done.size() == jobs.size()) {
          break;
        }
        if (running.isEmpty()) {
          continue;
        }
        JobOutcome out = get(cs.take());
        running.remove(out.job());
        done.put(out.job(), out);
      }
    } finally {
      pool.shutdownNow();
    }
    List<JobOutcome> ordered = new ArrayList<>();
    for (JobSpec j : jobs) {
      ordered.add(done.get(j.name()));
    }
    return ordered;
  }

  /** A job of a serial group waits while another job of the group runs (ties: the config's order). */
  private static boolean serialGroupBusy(JobSpec job, Set<String> running, List<JobSpec> jobs) {
    String group = job.serialGroup();
    if (group == null || group.isBlank()) {
      return false;
    }
    return jobs.stream().anyMatch(other -> running.contains(other.name()) && group.equals(other.serialGroup()));
  }

  private static JobOutcome get(Future<JobOutcome> f) throws InterruptedException, IOException {
    try {
      return f.get();
    } catch (ExecutionException e) {
      throw new IOException("a job crashed the local runner: " + e.getCause(), e.getCause());
    }
  }

  private JobOutcome runJob(JobSpec job, Set<String> upstream, LocalGit.Info git) throws IOException, InterruptedException {
    String type = Jobs.type(job);
    if (type.equals("approval")) {
      consoleLine("[" + job.name() + "] approval job: approved at once in a local run");
      return new JobOutcome(job.name(), "approved", 0, 0, 0, null);
    }
    if (type.equals("no-op") || job.steps().isEmpty()) {
      return new JobOutcome(job.name(), "success", 0, 0, 0, null);
    }
    int total = Jobs.parallelismOrOne(job);
    List<Future<JobResult>> nodes = new ArrayList<>();
    try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < total; i++) {
        int idx = i;
        nodes.add(ex.submit(() -> runNode(job, idx, total, upstream, git)));
      }
    }
    long ms = 0;
    int passed = 0;
    int failed = 0;
    String status = "success";
    List<JobResult> results = new ArrayList<>();
    for (Future<JobResult> f : nodes) {
      JobResult r;
      try {
        r = f.get();
      } catch (ExecutionException e) {
        throw new IOException("job " + job.name() + " could not run: " + e.getCause().getMessage(), e.getCause());
      }
      results.add(r);
      ms = Math.max(ms, r.millis());
      passed += r.tests().passed();
      failed += r.tests().failed();
      if (!r.success() && status.equals("success")) {
        status = r.outcome();
      }
    }
    return new JobOutcome(job.name(), status, ms, passed, failed, results.get(0));
  }

  private JobResult runNode(JobSpec job, int index, int total, Set<String> upstream, LocalGit.Info git)
      throws IOException, InterruptedException {
    String id = total > 1 ? job.name() + "." + index : job.name();
    // the same absolute HOME every run, as in a container: cached paths under ~ restore where they were saved
    Path dir = circlet.resolve("work").resolve(id);
    deleteTree(dir);
    Path shimDir = dir.resolve("shim");
    Path home = Files.createDirectories(dir.resolve("home"));
    Files.createDirectories(runDir.resolve("logs"));
    OutputStream file = new BufferedOutputStream(Files.newOutputStream(runDir.resolve("logs").resolve(id + ".log")));
    String label = total > 1 ? job.name() + "#" + index : job.name();
    try (ConsoleLog log = new ConsoleLog(label, o.console(), file); ShimDriver shim = new ShimDriver(shimDir)) {
      noticeExecutor(job, log);
      long num = nextBuildNum();
      BuildInfo info = new BuildInfo(git.revision(), git.branch(), null,
          git.remoteUrl() != null ? git.remoteUrl() : o.project().toAbsolutePath().normalize().toUri().toString(),
          git.user() != null ? git.user() : System.getProperty("user.name"), null, num, num - 1,
          dir.toUri().toString(), workflowId, workflowId + "/" + id, workflowId, index, total);
      JobContext ctx = new JobContext(job, info, shimDir, home, store, new LocalCheckout(o.project()),
          o.secrets(), upstream, null, o.killGrace(), List.of());
      shim.startLocal();
      shim.awaitReady(Duration.ofSeconds(10));
      JobRunner runner = new JobRunner(ctx, log, shim);
      active.add(runner);
      if (canceled.get()) {
        runner.cancel();
      }
      JobResult r;
      try {
        r = runner.run();
      } finally {
        active.remove(runner);
      }
      shim.finish(Summary.toJson(r.outcome(), r.steps()), r.exitCode());
      shim.awaitLocalExit(Duration.ofSeconds(10));
      log.text("[" + label + "] job " + r.outcome() + " in " + r.millis() + " ms"
          + (r.tests().tests() > 0 ? ", tests: " + r.tests().passed() + " passed, " + r.tests().failed() + " failed" : ""));
      return r;
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private void noticeExecutor(JobSpec job, ConsoleLog log) {
    String p = "[" + job.name() + "] notice: ";
    if (job.contexts() != null && !job.contexts().isEmpty()) {
      boolean one = job.contexts().size() == 1;
      log.text(p + (one ? "context " : "contexts ") + String.join(", ", job.contexts())
          + (one ? " lives" : " live") + " in the cluster; pass the variables this job needs with -e NAME=VALUE");
    }
    if (job.executor() == null) {
      return;
    }
    String kind = Jobs.executorKind(job);
    if (!kind.equals("docker")) {
      log.text(p + kind + " executor" + (job.executor().machineImage() == null ? "" : " image "
          + job.executor().machineImage()) + " cannot run locally; the steps run in this machine's shell");
    }
    List<ContainerImage> images = job.executor().images();
    for (int i = 0; i < images.size(); i++) {
      ContainerImage img = images.get(i);
      if (i == 0) {
        log.text(p + "docker image " + img.image() + " is not started locally; the steps run in this machine's shell");
      } else {
        log.text(p + "service container " + img.image() + (img.name() == null || img.name().isBlank() ? "" : " (" + img.name() + ")")
            + " cannot run locally and is not started; steps that need it will fail");
      }
    }
  }

  private Path newRunDir() throws IOException {
    Path runs = Files.createDirectories(circlet.resolve("runs"));
    for (int n = 1; ; n++) {
      Path d = runs.resolve(Integer.toString(n));
      try {
        return Files.createDirectory(d);
      } catch (java.nio.file.FileAlreadyExistsException e) {
        // taken by an earlier or concurrent run: try the next number
      }
    }
  }

  private synchronized long nextBuildNum() throws IOException {
    Path f = circlet.resolve("build-num");
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock lock = ch.lock()) {
      java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(32);
      ch.read(buf, 0);
      String s = new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII).strip();
      long n = s.isEmpty() ? 1 : Long.parseLong(s) + 1;
      ch.truncate(0);
      ch.write(java.nio.ByteBuffer.wrap(Long.toString(n).getBytes(StandardCharsets.US_ASCII)), 0);
      return n;
    }
  }

  private void consoleLine(String s) throws IOException {
    synchronized (o.console()) {
      o.console().write((s + "\n").getBytes(StandardCharsets.UTF_8));
    }
  }
}
