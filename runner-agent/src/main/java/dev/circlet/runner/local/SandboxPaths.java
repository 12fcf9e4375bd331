package dev.circlet.runner.local;

import dev.circlet.config.model.ContainerImage;
import dev.circlet.config.model.Executor;
import dev.circlet.config.model.JobSpec;
import dev.circlet.config.model.Step;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Keeps a local job inside its node directory: absolute working directories (job and step) move
 * under {@code <node>/root/}, {@code /home/circleci} (the HOME of CircleCI's images) becomes the
 * job's private HOME, and in shell mode the variables where tools install things ({@code GOPATH},
 * {@code CARGO_HOME}, ...) move under {@code <node>/root/} too when absolute. Step paths and
 * environment values under a moved directory follow it. A working directory whose moving would
 * change what the job sees ({@code /} or a system directory such as {@code /usr}) is refused.
 */
public final class SandboxPaths {
  /** CircleCI's images run as circleci with this HOME. */
  static final String CIRCLECI_HOME = "/home/circleci";

  /** Top-level directories with the system's content: a job working there expects that content. */
  static final Set<String> SYSTEM_DIRS = Set.of("/", "/bin", "/boot", "/dev", "/etc", "/home", "/lib", "/lib32",
      "/lib64", "/opt", "/proc", "/root", "/run", "/sbin", "/srv", "/sys", "/usr", "/usr/local", "/var");

  /** Variables naming where a toolchain installs or caches things. */
  static final Set<String> TOOL_HOMES = Set.of("GOPATH", "GOCACHE", "GOMODCACHE", "GOBIN", "CARGO_HOME", "RUSTUP_HOME",
      "GRADLE_USER_HOME", "NPM_CONFIG_PREFIX", "npm_config_prefix", "NPM_CONFIG_CACHE", "npm_config_cache",
      "YARN_CACHE_FOLDER", "PIP_CACHE_DIR", "PYTHONUSERBASE", "POETRY_HOME", "BUNDLE_PATH", "GEM_HOME",
      "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME");

  /** A directory the engine mounts: {@code host} is what the agent uses, {@code container} the path the config names. */
  public record Mount(Path host, String container) {}

  /** The job with its paths moved, a notice per move, and the mounts an engine adds. */
  public record Result(JobSpec job, List<String> notices, List<Mount> mounts) {}

  private final Path root;
  private final Path home;
  private final Path project;
  private final boolean shellMode;
  private final Map<String, Path> moved = new LinkedHashMap<>();
  private final List<String> notices = new ArrayList<>();

  private SandboxPaths(Path nodeDir, Path home, Path project, boolean shellMode) {
    this.root = nodeDir.resolve("root");
    this.home = home;
    this.project = project;
    this.shellMode = shellMode;
  }

  /**
   * @param nodeDir the node's directory under {@code .circlet/work}
   * @param home the job's private HOME
   * @param project the project, for shorter paths in notices
   * @param shellMode true when steps run in this machine's shell (tool-home variables move too)
   * @throws IllegalArgumentException when a working directory cannot be moved without changing its meaning
   */
  public static Result map(JobSpec job, Path nodeDir, Path home, Path project, boolean shellMode) {
    return new SandboxPaths(nodeDir, home, project, shellMode).map(job);
  }

  private Result map(JobSpec job) {
    workingDirectory(job.workingDirectory(), "working_directory");
    for (Step s : job.steps()) {
      workingDirectory(s.workingDirectory(), "working_directory of step " + (s.name() == null ? s.type() : s.name()));
    }
    if (shellMode) {
      toolHomes(job.environment());
      if (job.executor() != null && !job.executor().images().isEmpty()) {
        toolHomes(job.executor().images().get(0).environment());
      }
      for (Step s : job.steps()) {
        toolHomes(s.environment());
      }
    }
    List<Step> steps = job.steps().stream().map(this::step).toList();
    JobSpec mapped = new JobSpec(job.name(), job.type(), job.requires(), executor(job.executor()), job.resourceClass(),
        path(job.workingDirectory()), job.shell(), env(job.environment()), job.parallelism(), steps, job.contexts(),
        job.serialGroup(), job.requiredStatuses());
    List<Mount> mounts = new ArrayList<>();
    moved.forEach((from, to) -> {
      if (!isUnder(from, CIRCLECI_HOME)) {
        mounts.add(new Mount(to, from));
      }
    });
    return new Result(mapped, List.copyOf(notices), List.copyOf(mounts));
  }

  private void workingDirectory(String wd, String what) {
    if (wd == null || !wd.strip().startsWith("/")) {
      return;
    }
    String p = Path.of(wd.strip()).normalize().toString();
    if (isUnder(p, CIRCLECI_HOME) || coveredBy(p)) {
      return;
    }
    if (SYSTEM_DIRS.contains(p) || isUnder(p, "/proc") || isUnder(p, "/sys") || isUnder(p, "/dev")) {
      throw new IllegalArgumentException(what + " " + wd + " is a system directory: running there locally would"
          + " either change this machine or hide the files the job expects; use a directory of its own such as"
          + " ~/project or " + (p.equals("/") ? "/workspace" : p + "/project"));
    }
    Path to = root.resolve(p.substring(1));
    moved.put(p, to);
    notices.add(what + " " + p + " is at " + shown(to) + " in this run");
  }

  private void toolHomes(Map<String, String> env) {
    if (env == null) {
      return;
    }
    for (var e : env.entrySet()) {
      String v = e.getValue() == null ? "" : e.getValue().strip();
      if (!TOOL_HOMES.contains(e.getKey()) || !v.startsWith("/")) {
        continue;
      }
      String p = Path.of(v).normalize().toString();
      if (isUnder(p, CIRCLECI_HOME) || coveredBy(p) || p.equals("/")) {
        continue;
      }
      Path to = root.resolve(p.substring(1));
      moved.put(p, to);
      notices.add(e.getKey() + "=" + p + " is " + shown(to) + " in this run, so that installs stay out of this machine");
    }
  }

  private boolean coveredBy(String p) {
    return moved.keySet().stream().anyMatch(m -> isUnder(p, m));
  }

  /** The moved form of a path the config names; anything else as it was. */
  String path(String p) {
    if (p == null || !p.strip().startsWith("/")) {
      return p;
    }
    String n = Path.of(p.strip()).normalize().toString();
    if (isUnder(n, CIRCLECI_HOME)) {
      return rebase(n, CIRCLECI_HOME, home);
    }
    String best = null;
    for (String m : moved.keySet()) {
      if (isUnder(n, m) && (best == null || m.length() > best.length())) {
        best = m;
      }
    }
    return best == null ? p : rebase(n, best, moved.get(best));
  }

  private static String rebase(String p, String from, Path to) {
    String rest = p.length() == from.length() ? "" : p.substring(from.length() + 1);
    return rest.isEmpty() ? to.toString() : to.resolve(rest).toString();
  }

  private Map<String, String> env(Map<String, String> env) {
    if (env == null || env.isEmpty()) {
      return env;
    }
    Map<String, String> out = new LinkedHashMap<>();
    env.forEach((k, v) -> out.put(k, v == null ? null : path(v)));
    return out;
  }

  private List<String> paths(List<String> ps) {
    return ps == null ? null : ps.stream().map(this::path).toList();
  }

  private Step step(Step s) {
    Step.Builder b = Step.of(s.type());
    b.name = s.name();
    b.command = s.command();
    b.shell = s.shell();
    b.environment = env(s.environment());
    b.background = s.background();
    b.workingDirectory = path(s.workingDirectory());
    b.noOutputTimeout = s.noOutputTimeout();
    b.when = s.when();
    b.key = s.key();
    b.keys = s.keys();
    b.paths = paths(s.paths());
    b.path = path(s.path());
    b.destination = s.destination();
    b.root = path(s.root());
    b.at = path(s.at());
    b.method = s.method();
    b.fingerprints = s.fingerprints();
    return b.build();
  }

  private Executor executor(Executor e) {
    if (e == null || e.images().isEmpty() || !shellMode) {
      return e;
    }
    List<ContainerImage> images = new ArrayList<>(e.images());
    ContainerImage p = images.get(0);
    images.set(0, new ContainerImage(p.image(), p.name(), p.entrypoint(), p.command(), p.user(), env(p.environment())));
    return new Executor(e.kind(), images, e.machineImage());
  }

  private String shown(Path p) {
    return p.startsWith(project) ? project.relativize(p).toString() : p.toString();
  }

  static boolean isUnder(String p, String dir) {
    return p.equals(dir) || p.startsWith(dir.endsWith("/") ? dir : dir + "/");
  }
}
