package dev.circlet.runner.local;

import dev.circlet.config.model.ContainerImage;
import dev.circlet.config.model.JobSpec;
import dev.circlet.config.model.RequiredStatus;
import dev.circlet.config.model.Step;
import dev.circlet.runner.JobResult;
import dev.circlet.runner.JobRunner;
import dev.circlet.runner.model.Jobs;
import dev.circlet.runner.store.BlobStore;
import dev.circlet.runner.store.LocalBlobStore;
import dev.circlet.runner.store.ScopedBlobStore;
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
 * Runs a workflow's DAG on this machine: each job (and each parallel node) through its own shim,
 * in this machine's shell or as the primary container of a Docker or Podman engine, as many at
 * once as {@code maxParallel} allows, with caches, workspaces, artifacts and test results in
 * {@code PROJECT/.circlet/store}.
 */
public final class LocalWorkflowRunner {
  /** Runs kept in {@code .circlet/runs} unless told otherwise. */
  public static final int DEFAULT_KEEP_RUNS = 20;

  /**
   * Settings of one local run.
   *
   * @param trigger the branch or tag and revision the jobs see (the config was compiled for the same)
   * @param engine the container engine jobs run in, null for this machine's shell
   * @param keepRuns how many runs' logs {@code .circlet/runs} keeps, this one included
   */
  public record Options(Path project, int maxParallel, Map<String, String> secrets, OutputStream console,
      Duration killGrace, LocalGit.Trigger trigger, ContainerEngine engine, int keepRuns) {
    public Options {
      if (keepRuns < 1) {
        throw new IllegalArgumentException("runs to keep must be at least 1, got " + keepRuns);
      }
    }

    /** Shell mode, the trigger read from git, the default number of runs kept. */
    public Options(Path project, int maxParallel, Map<String, String> secrets, OutputStream console, Duration killGrace) {
      this(project, maxParallel, secrets, console, killGrace, LocalGit.resolve(project, null, null, null), null,
          DEFAULT_KEEP_RUNS);
    }
  }

  private final Options o;
  private final Path circlet;
  private final BlobStore store;
  private final AtomicBoolean canceled = new AtomicBoolean();
  private final List<JobRunner> active = new CopyOnWriteArrayList<>();
  private final ImageTools imageTools = new ImageTools();
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

  private Path project() {
    return o.project().toAbsolutePath().normalize();
  }

  /** Runs the jobs (a validated DAG) and returns an outcome per job in workflow order. */
  public List<JobOutcome> run(List<JobSpec> jobs) throws IOException, InterruptedException {
    WorkflowGraph graph = new WorkflowGraph(jobs);
    Files.createDirectories(circlet);
    Path exclude = RunHousekeeping.excludeFromGit(project());
    if (exclude != null) {
      consoleLine("circlet: added .circlet/ to " + exclude + " (local to this clone, not a tracked file)");
    }
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
    RunHousekeeping.prune(runDir.getParent(), o.keepRuns());
    workflowId = UUID.randomUUID().toString();
    LocalGit.Trigger git = o.trigger();
    Files.createDirectories(runDir.resolve("logs"));
    LocalNode nodeRunner = new LocalNode(new LocalNode.Shared(project(), store, o.secrets(), o.console(),
        o.killGrace(), o.engine(), runDir.resolve("logs"), workflowId));
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
            done.put(j.name(), JobOutcome.withoutSteps(j.name(), "canceled"));
            continue;
          }
          boolean blocked = j.requires().stream().anyMatch(r -> done.containsKey(r)
              && !RequiredStatus.accepts(j.acceptedStatuses(r), done.get(r).requiresStatus()));
          boolean ready = j.requires().stream().allMatch(r -> done.containsKey(r)
              && RequiredStatus.accepts(j.acceptedStatuses(r), done.get(r).requiresStatus()));
          if (blocked) {
            done.put(j.name(), JobOutcome.withoutSteps(j.name(), "blocked"));
          } else if (ready && !serialGroupBusy(j, running.keySet(), jobs)) {
            Set<String> up = graph.upstream(j.name());
            running.put(j.name(), cs.submit(() -> runJob(j, up, git, nodeRunner)));
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

  private JobOutcome runJob(JobSpec job, Set<String> upstream, LocalGit.Trigger git, LocalNode nodeRunner)
      throws IOException, InterruptedException {
    String type = Jobs.type(job);
    if (type.equals("approval")) {
      consoleLine("[" + job.name() + "] approval job: approved at once in a local run");
      return JobOutcome.withoutSteps(job.name(), "approved");
    }
    if (type.equals("no-op") || job.steps().isEmpty()) {
      return JobOutcome.withoutSteps(job.name(), "success");
    }
    int total = Jobs.parallelismOrOne(job);
    boolean inEngine = o.engine() != null && "docker".equals(Jobs.executorKind(job))
        && !job.executor().images().isEmpty();
    List<LocalNode.Plan> plans = new ArrayList<>();
    List<List<String>> notices = new ArrayList<>();
    List<String> jobNotices = jobNotices(job, inEngine);
    try {
      for (int i = 0; i < total; i++) {
        LocalNode.Plan p = LocalNode.plan(job, i, total, circlet.resolve("work"), project(), inEngine);
        plans.add(p);
        List<String> mine = new ArrayList<>(jobNotices);
        p.notices().forEach(n -> mine.add("notice: " + n));
        notices.add(mine);
      }
    } catch (IllegalArgumentException e) {
      consoleLine("[" + job.name() + "] error: " + e.getMessage());
      return new JobOutcome(job.name(), "failed", 0, List.of(), e.getMessage());
    }
    List<String> noticeLines = JobNotices.lines(job.name(), notices);
    for (String line : noticeLines) {
      consoleLine(line);
    }
    List<Future<JobResult>> nodes = new ArrayList<>();
    try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
      for (LocalNode.Plan p : plans) {
        long num = nextBuildNum();
        nodes.add(ex.submit(() -> nodeRunner.run(p, noticeLines, upstream, git, num, canceled.get(),
            (runner, running) -> {
              if (running) {
                active.add(runner);
              } else {
                active.remove(runner);
              }
            })));
      }
    }
    long ms = 0;
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
      if (!r.success() && status.equals("success")) {
        status = r.outcome();
      }
    }
    return new JobOutcome(job.name(), status, ms, results, null);
  }

  /** Notices every node of the job shares: contexts, executor, images, and steps that may change this machine. */
  private List<String> jobNotices(JobSpec job, boolean inEngine) {
    List<String> out = new ArrayList<>();
    if (job.contexts() != null && !job.contexts().isEmpty()) {
      boolean one = job.contexts().size() == 1;
      out.add("notice: " + (one ? "context " : "contexts ") + String.join(", ", job.contexts())
          + (one ? " lives" : " live") + " in the cluster; pass the variables this job needs with -e NAME=VALUE");
    }
    String kind = Jobs.executorKind(job);
    if ("machine".equals(kind)) {
      out.add("notice: " + imageTools.machineNotice(job.executor().machineImage()));
    } else if (kind != null && !kind.equals("docker")) {
      out.add("notice: " + kind + " executor" + (job.executor().machineImage() == null ? "" : " image "
          + job.executor().machineImage()) + " cannot run locally; the steps run in this machine's shell");
    }
    List<ContainerImage> images = job.executor() == null ? List.of() : job.executor().images();
    if (!inEngine) {
      for (int i = 0; i < images.size(); i++) {
        ContainerImage img = images.get(i);
        if (i == 0) {
          out.add("notice: " + imageTools.notice(img.image()));
        } else {
          out.add("notice: service container " + img.image() + (img.name() == null || img.name().isBlank() ? ""
              : " (" + img.name() + ")") + " is not started without a container engine; steps that need it will fail");
        }
      }
      for (Step step : job.steps()) {
        if (!"run".equals(step.type())) {
          continue;
        }
        List<String> why = HostWriteCheck.reasons(step.command());
        if (!why.isEmpty()) {
          out.add("warning: step \"" + dev.circlet.runner.model.Steps.displayName(step) + "\" " + String.join(", ", why)
              + ": in this machine's shell it changes this machine, not a container (a check of the command text only)");
        }
      }
    }
    return out;
  }

  /** {@code runs/<n>} with n above every existing run, so numbers keep growing after old runs are pruned. */
  private Path newRunDir() throws IOException {
    Path runs = Files.createDirectories(circlet.resolve("runs"));
    int highest = 0;
    try (var list = Files.list(runs)) {
      for (Path p : list.toList()) {
        String n = p.getFileName().toString();
        if (n.matches("\\d{1,9}")) {
          highest = Math.max(highest, Integer.parseInt(n));
        }
      }
    }
    for (int n = highest + 1; ; n++) {
      Path d = runs.resolve(Integer.toString(n));
      try {
        return Files.createDirectory(d);
      } catch (java.nio.file.FileAlreadyExistsException e) {
        // taken by a concurrent run: try the next number
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
