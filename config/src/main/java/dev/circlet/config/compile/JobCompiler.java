package dev.circlet.config.compile;

import dev.circlet.config.model.Executor;
import dev.circlet.config.model.JobSpec;
import dev.circlet.config.model.Step;
import dev.circlet.config.params.ParamBinder;
import dev.circlet.config.params.Substitutor;
import dev.circlet.config.yaml.Pos;
import dev.circlet.config.yaml.YMap;
import dev.circlet.config.yaml.YNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Compiles one invocation of a job definition: parameters, executor, settings and steps. */
final class JobCompiler {
  private static final Set<String> JOB_KEYS =
      Set.of("steps", "executor", "docker", "machine", "macos", "windows", "parallelism", "environment",
          "working_directory", "shell", "parameters", "resource_class", "description", "type");

  private final Compilation c;
  private final ExecutorCompiler executors;
  private final StepCompiler steps;

  JobCompiler(Compilation c) {
    this.c = c;
    this.executors = new ExecutorCompiler(c);
    this.steps = new StepCompiler(c);
  }

  StepCompiler steps() {
    return steps;
  }

  /**
   * The compiled job, named {@code name}; requires, contexts and serial group are filled in by the
   * workflow. {@code pre}/{@code post} are already-compiled workflow {@code pre-steps}/{@code post-steps}.
   */
  JobSpec compile(Element job, String name, List<YMap.Entry> args, Pos callPos, List<Step> pre, List<Step> post) {
    Diags d = c.diags;
    Map<String, YNode> params = ParamBinder.bind(job.params(), args, job.describe(), callPos, d);
    YMap body = (YMap) Substitutor.apply(job.body().without(Set.of("parameters", "description")),
        c.base.withParameters(params, job.describe()), d);
    Map<String, Object> unsupported =
        new java.util.LinkedHashMap<>(Nodes.keepUnsupported(body, JOB_KEYS, job.describe(), d));
    if (body.get("machine") instanceof YMap machine && machine.has("docker_layer_caching")) {
      YMap.Entry dlc = machine.entry("docker_layer_caching");
      d.warn(dlc.keyPos(), "'docker_layer_caching' in " + job.describe() + " is not supported by Circlet; it is kept"
          + " in the compiled job and has no effect (images are cached by the node)");
      unsupported.put("machine.docker_layer_caching", Nodes.plain(dlc.value()));
    }
    String type = Nodes.text(body, "type", d);
    if (type == null) {
      type = "build";
    }
    switch (type) {
      case "build" -> {}
      case "no-op", "approval" -> {
        return new JobSpec(name, type, List.of(), null, null, null, null, Map.of(), null, List.of(), List.of(), null);
      }
      case "release" -> {
        d.warn(body.get("type").pos(), "release jobs are not supported; " + job.describe() + " runs as a no-op");
        return new JobSpec(name, "no-op", List.of(), null, null, null, null, Map.of(), null, List.of(), List.of(), null);
      }
      default -> {
        d.error(body.get("type").pos(), job.describe() + ": unknown type '" + type + "'; expected build, approval or no-op");
        return null;
      }
    }
    ExecutorCompiler.ExecutorDef ex;
    if (body.has("executor")) {
      YNode ref = body.get("executor");
      ex = Nodes.isNull(ref) ? null : executors.reference(ref, job.home());
      if (Nodes.isNull(ref)) {
        d.error(ref.pos(), job.describe() + ": executor is empty");
      }
    } else {
      ex = executors.definition(body, job.describe());
      if (ex == null && List.of("docker", "machine", "macos", "windows").stream().noneMatch(body::has)) {
        d.error(job.body().pos(), job.describe() + " has no executor (docker, machine, macos or executor)");
      }
    }
    List<Step> compiled = new ArrayList<>(pre);
    if (!body.has("steps")) {
      d.error(job.body().pos(), job.describe() + " has no steps");
    } else {
      compiled.addAll(steps.expand(body.get("steps"), job.home()));
    }
    compiled.addAll(post);
    Map<String, String> env = Nodes.env(body.get("environment"), d);
    Executor executor = ex == null ? null : ex.executor();
    String resourceClass = firstNonNull(Nodes.text(body, "resource_class", d), ex == null ? null : ex.resourceClass());
    String wd = firstNonNull(Nodes.text(body, "working_directory", d), ex == null ? null : ex.workingDirectory());
    String shell = firstNonNull(Nodes.text(body, "shell", d), ex == null ? null : ex.shell());
    Map<String, String> merged = ex == null ? env : ExecutorCompiler.mergeEnv(ex.env(), env);
    Integer parallelism = Nodes.positiveInt(body.get("parallelism"), "parallelism", d);
    if (parallelism != null && parallelism == 1) {
      parallelism = null;
    }
    return new JobSpec(name, "build", List.of(), executor, resourceClass, wd, shell, merged, parallelism,
        compiled, List.of(), null, Map.of(), unsupported);
  }

  private static String firstNonNull(String a, String b) {
    return a != null ? a : b;
  }
}
