package dev.circlet.runner.bench;

import dev.circlet.config.model.JobSpec;
import dev.circlet.config.model.Step;
import dev.circlet.runner.JobContext;
import dev.circlet.runner.JobLog;
import dev.circlet.runner.JobResult;
import dev.circlet.runner.JobRunner;
import dev.circlet.runner.StepResult;
import dev.circlet.runner.TestJobs;
import dev.circlet.runner.local.ConsoleLog;
import dev.circlet.runner.mask.MaskingLineWriter;
import dev.circlet.runner.model.BuildInfo;
import dev.circlet.runner.shim.ShimDriver;
import dev.circlet.runner.steps.LocalCheckout;
import dev.circlet.runner.store.LocalBlobStore;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Prints the runner's figures beside the raw {@code sh -c} cost: agent start to first step running,
 * per-step overhead of a trivial run step, and log capture throughput (masked, prefixed lines).
 * How to run it is in docs/runner.md ("Performance").
 */
public final class RunnerBenchmark {
  private static final int STEPS = 40;
  private static final long LOG_BYTES = 1L << 30;

  public static void main(String[] args) throws Exception {
    if (args.length == 2 && args[0].equals("--probe")) {
      probeMain(Path.of(args[1]));
      return;
    }
    Path tmp = Files.createTempDirectory("circlet-bench");
    double rawSh = rawShell(30);
    System.out.printf("raw sh -c true (ProcessBuilder, median of 30): %.2f ms%n", rawSh);

    long[] first = firstStep(tmp.resolve("cold"));
    System.out.printf("agent start to first step running (cold JVM, in-process): %.1f ms (shim ready after %.1f ms)%n",
        first[0] / 1e6, first[1] / 1e6);
    List<Long> warm = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      warm.add(firstStep(tmp.resolve("warm" + i))[0]);
    }
    warm.sort(null);
    System.out.printf("agent start to first step running (warm, median of 5): %.1f ms%n", warm.get(2) / 1e6);
    System.out.printf("JVM start + agent install as a process (java ... AgentMain install): %.1f ms%n", agentProcess(tmp));
    List<Double> probe = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      probe.add(probeProcess(tmp.resolve("probe" + i)));
    }
    probe.sort(null);
    System.out.printf("agent start to first step running, new JVM (process spawn to the step's first output, median of 3): %.1f ms%n",
        probe.get(1));

    List<Step> steps = new ArrayList<>();
    for (int i = 0; i < STEPS; i++) {
      steps.add(TestJobs.run("s" + i, "true"));
    }
    runJob(tmp.resolve("warmup"), steps, nullLog());
    long t0 = System.nanoTime();
    JobResult r = runJob(tmp.resolve("steps"), steps, nullLog());
    double perStep = (System.nanoTime() - t0) / 1e6 / STEPS;
    double stepSum = r.steps().stream().mapToLong(StepResult::millis).sum() / (double) STEPS;
    System.out.printf("per-step wall time of a trivial run step (%d steps, job total / steps): %.2f ms"
        + " (step-reported %.2f ms); overhead over raw sh -c: %.2f ms%n", STEPS, perStep, stepSum, perStep - rawSh);

    long mb = LOG_BYTES / (1 << 20);
    String line = "x".repeat(99);
    double rawLog = timeShell("yes " + line + " | head -c " + LOG_BYTES + " > /dev/null");
    System.out.printf("raw producer (yes | head -c %d MiB > /dev/null): %.0f MB/s%n", mb, LOG_BYTES / 1e6 / (rawLog / 1e3));
    AtomicLong bytes = new AtomicLong();
    OutputStream counting = new OutputStream() {
      @Override public void write(int b) { bytes.incrementAndGet(); }
      @Override public void write(byte[] b, int off, int len) { bytes.addAndGet(len); }
    };
    ConsoleLog log = new ConsoleLog("bench", new BufferedOutputStream(counting, 1 << 16), null);
    long l0 = System.nanoTime();
    JobResult lr = runJob(tmp.resolve("log"), List.of(TestJobs.run("flood", "set +o pipefail; yes " + line + " | head -c " + LOG_BYTES)), log,
        Map.of("SECRET", "not-in-the-output-1234"));
    double secs = (System.nanoTime() - l0) / 1e9;
    log.close();
    System.out.printf("log capture (%d MiB, 100-byte lines, masked with 1 secret, prefixed): %.0f MB/s (job %s, %d bytes out)%n",
        mb, LOG_BYTES / 1e6 / secs, lr.outcome(), bytes.get());
  }

  private static long[] firstStep(Path dir) throws Exception {
    long t0 = System.nanoTime();
    long[] firstLine = {0};
    JobLog log = new JobLog() {
      @Override public void stepStarted(int n, String step) {}
      @Override public MaskingLineWriter.LineSink lines(int n, String step) {
        return (b, off, len) -> {
          if (firstLine[0] == 0) {
            firstLine[0] = System.nanoTime();
          }
        };
      }
      @Override public void notice(String step, String message) {}
      @Override public void stepFinished(StepResult result) {}
    };
    long[] ready = {0};
    runJob(dir, List.of(TestJobs.run("first", "echo running")), log, Map.of(), ready);
    return new long[] {firstLine[0] - t0, ready[0] - t0};
  }

  private static JobResult runJob(Path dir, List<Step> steps, JobLog log) throws IOException {
    return runJob(dir, steps, log, Map.of());
  }

  private static JobResult runJob(Path dir, List<Step> steps, JobLog log, Map<String, String> secrets) throws IOException {
    return runJob(dir, steps, log, secrets, new long[1]);
  }

  private static JobResult runJob(Path dir, List<Step> steps, JobLog log, Map<String, String> secrets, long[] ready)
      throws IOException {
    JobSpec job = TestJobs.job("bench", List.of(), steps);
    Path home = Files.createDirectories(dir.resolve("home"));
    BuildInfo info = new BuildInfo("r", "main", null, null, "bench", null, 1, 0, "", "wf", "wf/bench", "wf", 0, 1);
    JobContext ctx = new JobContext(job, info, dir.resolve("shim"), home, new LocalBlobStore(dir.resolve("store")),
        new LocalCheckout(dir), secrets, null, null, Duration.ofSeconds(1), java.util.List.of());
    try (ShimDriver shim = new ShimDriver(ctx.shimDir())) {
      shim.startLocal();
      shim.awaitReady(Duration.ofSeconds(10));
      ready[0] = System.nanoTime();
      JobResult r = new JobRunner(ctx, log, shim).run();
      shim.finish("{}", 0);
      return r;
    }
  }

  private static JobLog nullLog() {
    return new ConsoleLog("bench", OutputStream.nullOutputStream(), null);
  }

  private static double rawShell(int n) throws Exception {
    List<Double> t = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      long t0 = System.nanoTime();
      new ProcessBuilder("sh", "-c", "true").start().waitFor();
      t.add((System.nanoTime() - t0) / 1e6);
    }
    t.sort(null);
    return t.get(n / 2);
  }

  private static double timeShell(String cmd) throws Exception {
    long t0 = System.nanoTime();
    new ProcessBuilder("sh", "-c", cmd).inheritIO().start().waitFor();
    return (System.nanoTime() - t0) / 1e6;
  }

  /** Entry point of the child JVM measured by {@link #probeProcess}: one job with one step. */
  static void probeMain(Path dir) throws Exception {
    runJob(dir, List.of(TestJobs.run("first", "echo running")), nullLog());
  }

  private static double probeProcess(Path dir) throws Exception {
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    // only what the agent's local path loads, as in the runner image's single jar
    StringBuilder cp = new StringBuilder();
    for (String e : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      if (e.endsWith("classes") || e.contains("jackson") || e.contains("circlet-config")) {
        cp.append(cp.isEmpty() ? "" : java.io.File.pathSeparator).append(e);
      }
    }
    Path out = dir.resolve("shim/steps/1/out");
    long t0 = System.nanoTime();
    Process p = new ProcessBuilder(javaBin, "-cp", cp.toString(), RunnerBenchmark.class.getName(), "--probe", dir.toString())
        .inheritIO().start();
    while (!(Files.exists(out) && Files.size(out) > 0)) {
      if (!p.isAlive() && !(Files.exists(out) && Files.size(out) > 0)) {
        throw new IllegalStateException("probe exited with " + p.exitValue() + " before its step ran");
      }
      java.util.concurrent.locks.LockSupport.parkNanos(200_000);
    }
    double ms = (System.nanoTime() - t0) / 1e6;
    p.waitFor();
    return ms;
  }

  private static double agentProcess(Path tmp) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<Double> t = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      long t0 = System.nanoTime();
      int code = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "dev.circlet.runner.AgentMain",
          "install", tmp.resolve("install" + i).toString()).inheritIO().start().waitFor();
      if (code != 0) {
        throw new IllegalStateException("agent install failed with " + code);
      }
      t.add((System.nanoTime() - t0) / 1e6);
    }
    t.sort(null);
    return t.get(1);
  }
}
