package dev.circlet.runner;

import dev.circlet.runner.env.ContextFiles;
import dev.circlet.runner.local.ConsoleLog;
import dev.circlet.runner.model.JobFile;
import dev.circlet.runner.shim.ShimDriver;
import dev.circlet.runner.steps.GitCheckout;
import dev.circlet.runner.store.BlobStore;
import dev.circlet.runner.store.GatewayBlobStore;
import dev.circlet.runner.store.LocalBlobStore;
import dev.circlet.runner.store.S3BlobStore;
import dev.circlet.runner.store.ScopedBlobStore;
import dev.circlet.runner.stream.GatewayConnection;
import dev.circlet.runner.stream.LogStreamer;
import dev.circlet.runner.stream.StreamingJobLog;
import dev.circlet.runner.volume.Volume;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code circlet-agent}: {@code install DIR} copies the shim and in-job tools to DIR/bin (init
 * container); {@code pod --shared DIR --job FILE} runs the build's job through the shim (sidecar).
 */
public final class AgentMain {
  private AgentMain() {}

  public static void main(String[] args) {
    int code;
    try {
      code = run(args, System.getenv());
    } catch (IllegalArgumentException | IOException e) {
      System.err.println("circlet-agent: " + e.getMessage());
      code = 2;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      code = 130;
    }
    System.exit(code);
  }

  static int run(String[] args, Map<String, String> env) throws IOException, InterruptedException {
    if (args.length == 2 && args[0].equals("install")) {
      ShimDriver.install(Path.of(args[1]));
      return 0;
    }
    if (args.length >= 1 && args[0].equals("pod")) {
      Map<String, String> opt = options(args);
      // the operator sets HOME to where it mounts the project volume (the working directory's parent)
      String home = opt.getOrDefault("home", env.getOrDefault("HOME", "/home/circleci"));
      Path jobFile = Path.of(opt.getOrDefault("job", "/etc/circlet/build/job.json"));
      GatewayConnection storeConnection = configuredStore(opt, env) ? null
          : GatewayConnection.fromEnv(env, jobFile.getParent());
      try {
        return pod(Path.of(opt.getOrDefault("shared", "/circlet")), jobFile, Path.of(home),
            Path.of(opt.getOrDefault("volume", home)),
            Path.of(opt.getOrDefault("clone", "/etc/circlet/clone")),
            Path.of(opt.getOrDefault("contexts", "/etc/circlet/contexts")), podStore(opt, env, storeConnection),
            isShared(opt, env), env);
      } finally {
        if (storeConnection != null) {
          storeConnection.close();
        }
      }
    }
    if (args.length >= 1 && args[0].equals("machine")) {
      return MachineAgent.run(MachineAgent.options(java.util.List.of(args).subList(1, args.length)));
    }
    throw new IllegalArgumentException("usage: circlet-agent install DIR | circlet-agent machine --settings FILE"
        + " [--root DIR] | circlet-agent pod [--shared DIR]"
        + " [--job FILE] [--home DIR] [--volume DIR] [--clone DIR] [--contexts DIR] [--store-dir DIR]");
  }

  /** Storage that outlives the pod (S3, or a directory named with --store-dir) may be shared by tenants. */
  static boolean isShared(Map<String, String> opt, Map<String, String> env) {
    String endpoint = env.get("CIRCLET_S3_ENDPOINT");
    return (endpoint != null && !endpoint.isBlank()) || opt.get("store-dir") != null;
  }

  /**
   * The build's view of storage: every key under job.json's {@code storageScope}. Storage that
   * may be shared needs that scope (another tenant's caches would be one prefix away); the pod's
   * private fallback directory is scoped {@code pod}.
   */
  static BlobStore scoped(BlobStore store, JobFile jf, boolean shared) {
    if (store instanceof GatewayBlobStore) {
      // the gateway scopes every key itself, from the runner's identity
      return store;
    }
    String scope = jf.storageScope();
    if (scope == null || scope.isBlank()) {
      if (shared) {
        throw new IllegalArgumentException("job.json has no storageScope: refusing shared storage (S3 or"
            + " --store-dir), where caches and workspaces of other projects could be reached; the operator"
            + " writes the scope of every Build");
      }
      scope = "pod";
    }
    return new ScopedBlobStore(store, scope);
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> m = new HashMap<>();
    for (int i = 1; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --option VALUE, got " + args[i]);
      }
      m.put(args[i].substring(2), args[++i]);
    }
    return m;
  }

  /** S3-compatible storage from CIRCLET_S3_* variables, else a directory (--store-dir). */
  static BlobStore store(Map<String, String> opt, Map<String, String> env) {
    String endpoint = env.get("CIRCLET_S3_ENDPOINT");
    if (endpoint != null && !endpoint.isBlank()) {
      String bucket = env.get("CIRCLET_S3_BUCKET");
      if (bucket == null || bucket.isBlank()) {
        throw new IllegalArgumentException("CIRCLET_S3_ENDPOINT is set but CIRCLET_S3_BUCKET is not");
      }
      return new S3BlobStore(S3BlobStore.client(URI.create(endpoint), env.get("CIRCLET_S3_REGION"),
          env.getOrDefault("AWS_ACCESS_KEY_ID", ""), env.getOrDefault("AWS_SECRET_ACCESS_KEY", "")),
          bucket, env.get("CIRCLET_S3_PREFIX"));
    }
    String dir = opt.get("store-dir");
    if (dir == null) {
      throw new IllegalArgumentException("no storage: set CIRCLET_S3_ENDPOINT and CIRCLET_S3_BUCKET, or --store-dir");
    }
    return new LocalBlobStore(Path.of(dir));
  }

  /**
   * The store of a build pod: the configured one, or else a directory inside the pod, so that a
   * job runs even where no storage is set up yet. Build pods hold no storage credentials by
   * default; caches, workspaces and artifacts then live and die with the pod, and the log says so.
   */
  static BlobStore podStore(Map<String, String> opt, Map<String, String> env) throws IOException {
    return podStore(opt, env, null);
  }

  /** Whether storage is named explicitly: CIRCLET_S3_ENDPOINT or --store-dir. */
  static boolean configuredStore(Map<String, String> opt, Map<String, String> env) {
    return (env.get("CIRCLET_S3_ENDPOINT") != null && !env.get("CIRCLET_S3_ENDPOINT").isBlank())
        || opt.get("store-dir") != null;
  }

  /**
   * The store of a build pod: the configured one (CIRCLET_S3_*, --store-dir); else, with a
   * gateway identity, the gateway's presigned transfers (the pod holds no storage credentials);
   * else a directory inside the pod. The choice is printed.
   */
  static BlobStore podStore(Map<String, String> opt, Map<String, String> env, GatewayConnection gateway)
      throws IOException {
    if (configuredStore(opt, env)) {
      BlobStore s = store(opt, env);
      System.err.println("circlet-agent: store: " + (s instanceof S3BlobStore
          ? "S3-compatible storage at " + env.get("CIRCLET_S3_ENDPOINT") + " (CIRCLET_S3_*)"
          : "directory " + opt.get("store-dir")));
      return s;
    }
    if (gateway != null) {
      System.err.println("circlet-agent: store: the gateway's presigned transfers (" + env.get("CIRCLET_GATEWAY")
          + "); this pod holds no storage credentials");
      return new GatewayBlobStore(gateway::blocking);
    }
    System.err.println("circlet-agent: no storage configured (CIRCLET_S3_ENDPOINT, --store-dir, CIRCLET_GATEWAY):"
        + " caches, workspaces and artifacts stay inside this pod");
    return new LocalBlobStore(Files.createTempDirectory("circlet-store"));
  }

  /** Every value in the clone-credentials directory, so that git output never shows them. */
  static java.util.List<String> credentialValues(Path clone) throws IOException {
    java.util.List<String> out = new java.util.ArrayList<>();
    if (!Files.isDirectory(clone)) {
      return out;
    }
    try (var files = Files.list(clone)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        out.add(Files.readString(f).strip());
      }
    }
    return out;
  }

  /** job.json's project values, overridden by the mounted contexts' values; all of them masked. */
  static java.util.Map<String, String> secrets(JobFile jf, Path contexts) throws IOException {
    java.util.Map<String, String> all = new java.util.LinkedHashMap<>(jf.secretsOrEmpty());
    all.putAll(ContextFiles.read(contexts));
    return all;
  }

  /** Runs the job of job.json in a build pod with a store private to the caller (tests). */
  static int pod(Path shared, Path jobFile, Path home, Path clone, Path contexts, BlobStore store)
      throws IOException, InterruptedException {
    return pod(shared, jobFile, home, home, clone, contexts, store, false, Map.of());
  }

  /**
   * Runs the job of job.json in a build pod; the shim in the primary container runs the steps.
   * With {@code CIRCLET_GATEWAY} in {@code env}, output also streams to the gateway.
   *
   * @param volume where the project volume is mounted: the only place the agent acts on for the job
   * @param sharedStore whether the store may hold other projects' objects (then job.json must scope it)
   */
  static int pod(Path shared, Path jobFile, Path home, Path volume, Path clone, Path contexts, BlobStore store,
      boolean sharedStore, Map<String, String> env) throws IOException, InterruptedException {
    JobFile jf = JobFile.read(jobFile);
    BlobStore scopedStore = scoped(store, jf, sharedStore);
    ShimDriver shim = new ShimDriver(shared);
    // the primary may start after us: wait for its shim as long as the kubelet takes to pull an image
    shim.awaitReady(Duration.ofMinutes(15));
    Path privateTmp = Files.createTempDirectory("circlet-agent");
    Volume projectVolume = Volume.of(volume);
    var info = jf.buildInfo();
    JobContext ctx = new JobContext(jf.job(), info, shared, home, scopedStore,
        new GitCheckout(info.repositoryUrl(), info.revision(), info.branch(), clone, privateTmp, projectVolume),
        secrets(jf, contexts), jf.upstreamJobs() == null ? null : java.util.Set.copyOf(jf.upstreamJobs()),
        Path.of("/etc/circlet/ssh"), Duration.ofSeconds(10), credentialValues(clone), projectVolume);
    BufferedOutputStream out = new BufferedOutputStream(System.out, 1 << 16);
    GatewayConnection gateway = GatewayConnection.fromEnv(env, jobFile.getParent());
    try (ConsoleLog log = new ConsoleLog(jf.job().name(), out, null)) {
      // in a pod with a gateway, step output and events also go to the gateway (durable, live)
      java.util.List<String> masked = new java.util.ArrayList<>(ctx.secrets().values());
      masked.addAll(credentialValues(clone));
      LogStreamer streamer = gateway == null ? null : new LogStreamer(gateway.async(), masked,
          Files.createTempDirectory("circlet-spool"), LogStreamer.Settings.DEFAULT);
      JobLog jobLog = streamer == null ? log : new StreamingJobLog(log, streamer, gateway.blocking());
      JobRunner runner = new JobRunner(ctx, jobLog, shim);
      // on SIGTERM the job is cancelled and the hook waits until its output and events are sent
      CancelOnShutdown hook = new CancelOnShutdown(runner::cancel, CancelOnShutdown.DEFAULT_WAIT);
      Runtime.getRuntime().addShutdownHook(new Thread(hook, "circlet-cancel"));
      try {
        JobResult r = runner.run();
        log.text("job " + r.outcome() + " in " + r.millis() + " ms");
        if (streamer != null) {
          if (!streamer.awaitDurable(Duration.ofMinutes(5))) {
            log.text("part of the job's output did not reach the gateway within 5 minutes");
          }
          streamer.close();
          gateway.close();
        }
        shim.finish(Summary.toJson(r.outcome(), r.steps()), r.exitCode());
        return r.exitCode();
      } finally {
        hook.finished();
      }
    }
  }
}
