package dev.circlet.runner.local;

import dev.circlet.config.model.JobSpec;
import dev.circlet.runner.JobContext;
import dev.circlet.runner.JobResult;
import dev.circlet.runner.JobRunner;
import dev.circlet.runner.StepResult;
import dev.circlet.runner.Summary;
import dev.circlet.runner.model.BuildInfo;
import dev.circlet.runner.model.Jobs;
import dev.circlet.runner.shim.ShimDriver;
import dev.circlet.runner.steps.LocalCheckout;
import dev.circlet.runner.store.BlobStore;
import dev.circlet.runner.testing.JUnitReport;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One parallel node of a local job: its sandbox under {@code .circlet/work/<job>[.<node>]} (HOME,
 * shim directory, moved working directories), its shim started in this machine's shell or as the
 * primary container of an engine, and the job's steps driven through it by {@link JobRunner}.
 */
final class LocalNode {
  /** What the runner shares with every node. */
  record Shared(Path project, BlobStore store, Map<String, String> secrets, OutputStream console,
      Duration killGrace, ContainerEngine engine, Path logs, String workflowId) {}

  /** The node's place: directory, label, index and the job with its paths already moved. */
  record Plan(JobSpec job, String id, String label, int index, int total, Path dir, Path home,
      List<SandboxPaths.Mount> mounts, boolean inEngine, List<String> notices) {}

  /** Called with the node's runner while it runs, with null when it is done (for cancellation). */
  interface Tracker {
    void track(JobRunner runner, boolean running);
  }

  static final String SPIN_UP = "Spin up environment";
  private static final Duration ENGINE_READY = Duration.ofSeconds(90);

  private final Shared s;

  LocalNode(Shared s) {
    this.s = s;
  }

  static Plan plan(JobSpec job, int index, int total, Path work, Path project, boolean inEngine) {
    String id = total > 1 ? job.name() + "." + index : job.name();
    Path dir = work.resolve(id);
    Path home = dir.resolve("home");
    SandboxPaths.Result m = SandboxPaths.map(job, dir, home, project, !inEngine);
    String label = total > 1 ? job.name() + "#" + index : job.name();
    return new Plan(m.job(), id, label, index, total, dir, home, m.mounts(), inEngine, m.notices());
  }

  /** @param noticeLines the job's notices as printed on the console, repeated in this node's log file */
  JobResult run(Plan p, List<String> noticeLines, Set<String> upstream, LocalGit.Trigger trigger, long buildNum,
      boolean canceled, Tracker tracker) throws IOException, InterruptedException {
    RunHousekeeping.deleteTree(p.dir());
    Path shimDir = p.dir().resolve("shim");
    Files.createDirectories(p.home());
    OutputStream file = new BufferedOutputStream(Files.newOutputStream(s.logs().resolve(p.id() + ".log")));
    long t0 = System.nanoTime();
    try (ConsoleLog log = new ConsoleLog(p.label(), s.console(), file); ShimDriver shim = new ShimDriver(shimDir)) {
      noticeLines.forEach(log::fileText);
      EngineCommands.Node container = null;
      try {
        container = p.inEngine() ? startInEngine(p, shimDir, line -> log.text("[" + p.label() + "] " + line))
            : startInShell(p, shimDir, shim);
        if (container == null) {
          shim.awaitReady(Duration.ofSeconds(10));
        } else {
          awaitShimInContainer(shim, container);
        }
      } catch (IOException e) {
        String why = container == null ? e.getMessage() : e.getMessage() + "; primary log: " + s.engine().logs(container);
        if (container != null) {
          s.engine().remove(container);
        }
        log.lines(0, SPIN_UP).line(bytes("Error: " + why), 0, bytes("Error: " + why).length);
        StepResult spin = new StepResult(0, SPIN_UP, "failed", (System.nanoTime() - t0) / 1_000_000, 1);
        log.stepFinished(spin);
        return new JobResult(p.job().name(), "failed", List.of(spin), JUnitReport.Totals.of(List.of()), List.of(),
            spin.millis());
      }
      try {
        BuildInfo info = new BuildInfo(trigger.revision(), trigger.branch(), trigger.tag(),
            trigger.remoteUrl() != null ? trigger.remoteUrl() : s.project().toUri().toString(),
            trigger.user() != null ? trigger.user() : System.getProperty("user.name"), null, buildNum, buildNum - 1,
            p.dir().toUri().toString(), s.workflowId(), s.workflowId() + "/" + p.id(), s.workflowId(),
            p.index(), p.total());
        JobContext ctx = new JobContext(p.job(), info, shimDir, p.home(), s.store(), new LocalCheckout(s.project()),
            s.secrets(), upstream, null, s.killGrace(), List.of());
        JobRunner runner = new JobRunner(ctx, log, shim);
        tracker.track(runner, true);
        if (canceled) {
          runner.cancel();
        }
        JobResult r;
        try {
          r = runner.run();
        } finally {
          tracker.track(runner, false);
        }
        shim.finish(Summary.toJson(r.outcome(), r.steps()), r.exitCode());
        if (container != null) {
          s.engine().awaitExit(container, Duration.ofSeconds(30));
        } else {
          shim.awaitLocalExit(Duration.ofSeconds(10));
        }
        log.text("[" + p.label() + "] job " + r.outcome() + " in " + r.millis() + " ms"
            + (r.tests().tests() > 0 ? ", tests: " + r.tests().passed() + " passed, " + r.tests().failed() + " failed" : ""));
        return r;
      } finally {
        if (container != null) {
          s.engine().remove(container);
        }
      }
    }
  }

  /** Waits for the shim in the primary, and stops waiting as soon as the primary has exited (no /bin/sh, bad image). */
  private void awaitShimInContainer(ShimDriver shim, EngineCommands.Node container) throws IOException {
    long deadline = System.nanoTime() + ENGINE_READY.toNanos();
    while (true) {
      try {
        shim.awaitReady(Duration.ofSeconds(2));
        return;
      } catch (IOException e) {
        if (!s.engine().running(container)) {
          throw new IOException("the primary container " + container.images().get(0).image()
              + " exited before its shim started (it needs /bin/sh)");
        }
        if (System.nanoTime() > deadline) {
          throw new IOException("the shim did not start within " + ENGINE_READY.toSeconds() + "s in "
              + container.images().get(0).image());
        }
      }
    }
  }

  private EngineCommands.Node startInShell(Plan p, Path shimDir, ShimDriver shim) throws IOException {
    shim.startLocal();
    if ("machine".equals(Jobs.executorKind(p.job()))) {
      linkDockerCli(shimDir.resolve("bin"), DockerCli.find());
    }
    return null;
  }

  /**
   * A machine job's steps have the Docker CLI its VM would have: this machine's, linked into the
   * shim's {@code bin} (first on the steps' PATH), so a login profile or a PATH without its
   * directory still finds it. Nothing when there is none (the job's notice says so).
   */
  static void linkDockerCli(Path bin, java.util.Optional<Path> cli) throws IOException {
    if (cli.isEmpty()) {
      return;
    }
    Path link = bin.resolve("docker");
    Files.deleteIfExists(link);
    Files.createSymbolicLink(link, cli.get());
  }

  /** Installs the shim in the node's directory, pulls the images and starts the containers. */
  private EngineCommands.Node startInEngine(Plan p, Path shimDir, Consumer<String> say) throws IOException {
    ShimDriver.install(shimDir);
    for (SandboxPaths.Mount m : p.mounts()) {
      // created now, by this user: an engine would create a missing mount source as root
      Files.createDirectories(m.host());
    }
    var images = p.job().executor().images();
    for (var img : images) {
      s.engine().ensureImage(img.image(), say);
    }
    Object uid = Files.getAttribute(p.home(), "unix:uid");
    Object gid = Files.getAttribute(p.home(), "unix:gid");
    EngineCommands.Node node = new EngineCommands.Node(
        EngineCommands.containerName("circlet-" + s.workflowId().substring(0, 8) + "-" + p.id()),
        images, p.dir(), shimDir, p.home(), p.mounts(), uid + ":" + gid);
    try {
      s.engine().start(node);
    } catch (IOException e) {
      s.engine().remove(node);
      throw e;
    }
    say.accept("running in " + images.get(0).image() + " with " + s.engine().name()
        + (images.size() > 1 ? " beside " + (images.size() - 1) + " service container" + (images.size() > 2 ? "s" : "")
            + " on localhost" : ""));
    return node;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }
}
