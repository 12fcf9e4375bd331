package dev.circlet.config;

import dev.circlet.config.compile.Budget;
import dev.circlet.config.compile.Compilation;
import dev.circlet.config.compile.Diags;
import dev.circlet.config.compile.Nodes;
import dev.circlet.config.compile.Registry;
import dev.circlet.config.compile.RegistryBuilder;
import dev.circlet.config.compile.WorkflowCompiler;
import dev.circlet.config.filters.Filters;
import dev.circlet.config.logic.Logic;
import dev.circlet.config.model.CompiledWorkflow;
import dev.circlet.config.model.Schedule;
import dev.circlet.config.orbs.OrbStore;
import dev.circlet.config.params.ParamBinder;
import dev.circlet.config.params.ParamSpec;
import dev.circlet.config.params.Scope;
import dev.circlet.config.params.Substitutor;
import dev.circlet.config.yaml.AnchorLines;
import dev.circlet.config.yaml.ConfigError;
import dev.circlet.config.yaml.Pos;
import dev.circlet.config.yaml.YMap;
import dev.circlet.config.yaml.YNode;
import dev.circlet.config.yaml.YScalar;
import dev.circlet.config.yaml.YSeq;
import dev.circlet.config.yaml.YamlLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compiles a CircleCI config ({@code version: 2}, {@code 2.0} or {@code 2.1}) into workflows of
 * fully resolved jobs. {@link #compile} keeps the workflows and jobs that run for the trigger;
 * {@link #validate} compiles every workflow and job regardless of it. Never throws on bad input,
 * and stays within its {@link CompileLimits}; {@link BoundedCompiler} adds a thread of its own.
 */
public final class ConfigCompiler {
  private static final Set<String> TOP =
      Set.of("version", "setup", "orbs", "commands", "parameters", "executors", "jobs", "workflows");
  private static final Set<String> V21_ONLY = Set.of("orbs", "commands", "parameters", "executors");
  private static final Set<String> WORKFLOW_KEYS = Set.of("jobs", "when", "unless", "triggers", "max_auto_reruns");
  private static final String SCHEDULED = "scheduled_pipeline";

  private final OrbStore orbs;
  private final CompileLimits limits;

  public ConfigCompiler(OrbStore orbs) {
    this(orbs, CompileLimits.DEFAULT);
  }

  public ConfigCompiler(OrbStore orbs, CompileLimits limits) {
    this.orbs = orbs;
    this.limits = limits;
  }

  public CompileLimits limits() {
    return limits;
  }

  public CompileResult compile(ConfigSource source, PipelineContext ctx) {
    return run(source, ctx, true);
  }

  public CompileResult validate(ConfigSource source, PipelineContext ctx) {
    return run(source, ctx, false);
  }

  private CompileResult run(ConfigSource source, PipelineContext ctx, boolean select) {
    Diags d = new Diags();
    List<CompiledWorkflow> out = new ArrayList<>();
    List<String> names = new ArrayList<>();
    List<Schedule> schedules = new ArrayList<>();
    try {
      body(source, ctx, select, d, out, names, schedules, new Budget(limits));
    } catch (ConfigError e) {
      d.error(e.pos(), e.getMessage());
    } catch (StackOverflowError e) {
      // Known recursion is bounded with a located error; this is the backstop for the rest.
      d.error(new Pos(source.name(), 1, 1), "the config nests too deeply to compile");
    } catch (RuntimeException e) {
      // A bug must not surface as a stack trace to users; MutationTest keeps this path unused.
      d.error(new Pos(source.name(), 1, 1), "internal compiler error: " + e);
    }
    return new CompileResult(d.errors(), d.warnings(), out, names, schedules);
  }

  private void body(ConfigSource source, PipelineContext ctx, boolean select, Diags d,
      List<CompiledWorkflow> out, List<String> names, List<Schedule> schedules, Budget budget) {
    List<YMap.Entry> duplicates = new ArrayList<>();
    YNode loaded = YamlLoader.load(source.text(), source.name(), YamlLoader.DEFAULT_MAX_EXPANDED, duplicates);
    for (YMap.Entry dup : duplicates) {
      d.warn(dup.keyPos(), "duplicate key '" + dup.key() + "'; the last one wins");
    }
    if (!(loaded instanceof YMap root)) {
      throw new ConfigError(loaded.pos(), "a config must be a map with version, jobs and workflows");
    }
    checkVersion(root, source.name(), d);
    Set<String> known = new java.util.HashSet<>(TOP);
    known.addAll(AnchorLines.anchorKeys(source.text(), root));
    Nodes.warnUnknown(root, known, "the config", d);
    if (root.get("setup") instanceof YScalar setup && "true".equals(setup.text())) {
      // A setup config runs as the first phase of dynamic config.
      ctx = ctx.with("in_setup", true);
    }
    Map<String, YNode> pipelineParams = pipelineParameters(root, ctx, source.name(), d);
    Scope base = Scope.pipelineOnly(ctx, pipelineParams, budget);
    YNode orbSection = orbVersions(root.get("orbs"), base, d);
    Registry registry = new RegistryBuilder(orbs, base, d).build(root, orbSection);
    String version = root.get("version") instanceof YScalar v ? v.text() : "2.1";
    Compilation c = new Compilation(d, ctx, pipelineParams, registry, budget, version);
    WorkflowCompiler wc = new WorkflowCompiler(c);
    Filters.Trigger trigger = new Filters.Trigger(ctx.branch(), ctx.tag());
    YNode workflows = root.get("workflows");
    if (Nodes.isNull(workflows)) {
      // Version 2.0 rule: without workflows the job named "build" runs on every push.
      names.add("workflow");
      if (c.root().job("build") == null) {
        Pos at = root.has("jobs") ? root.entry("jobs").keyPos() : root.pos();
        d.error(at, "a config without workflows runs the job 'build', which is not defined");
        return;
      }
      YSeq jobs = new YSeq(List.of(new YScalar("build", "build", root.pos())), root.pos());
      CompiledWorkflow w = wc.compile("workflow", jobs, select ? trigger : null);
      out.add(w);
      return;
    }
    if (!(workflows instanceof YMap wfs)) {
      throw new ConfigError(workflows.pos(), "workflows must be a map of name to workflow, got " + workflows.kind());
    }
    Set<String> legacySchedule = legacyScheduleFiring(wfs, ctx, d);
    for (YMap.Entry e : wfs.entries()) {
      if (e.key().equals("version")) {
        continue;
      }
      names.add(e.key());
      if (!(e.value() instanceof YMap wf)) {
        d.error(e.value().pos(), "workflow '" + e.key() + "' must be a map with 'jobs', got " + e.value().kind());
        continue;
      }
      Nodes.warnUnknown(wf, WORKFLOW_KEYS, "workflow '" + e.key() + "'", d);
      if (wf.has("max_auto_reruns")) {
        d.warn(wf.entry("max_auto_reruns").keyPos(), "'max_auto_reruns' in workflow '" + e.key() + "' is not supported"
            + " by Circlet; it has no effect (rerun failed jobs with 'circlet rerun --failed')");
      }
      Map<String, Object> conditions = new java.util.LinkedHashMap<>();
      boolean runs = selected(e.key(), wf, base, c, legacySchedule, schedules, conditions);
      if (!wf.has("jobs")) {
        d.error(wf.pos(), "workflow '" + e.key() + "' needs 'jobs'");
        continue;
      }
      CompiledWorkflow w = wc.compile(e.key(), wf.get("jobs"), select ? trigger : null);
      if (!select) {
        // Compiled regardless of the trigger: keep the conditions for whoever decides later.
        w = w.withConditions(conditions);
      }
      if (!select || runs && !w.jobs().isEmpty()) {
        out.add(w);
      }
    }
  }

  /** Substitutes pipeline values in registry orb references only; inline orbs keep their own parameters. */
  private static YNode orbVersions(YNode orbs, Scope base, Diags d) {
    if (!(orbs instanceof YMap m)) {
      return orbs;
    }
    List<YMap.Entry> out = new ArrayList<>();
    for (YMap.Entry e : m.entries()) {
      YNode v = e.value() instanceof YScalar ? Substitutor.apply(e.value(), base, d) : e.value();
      out.add(new YMap.Entry(e.key(), e.keyPos(), v));
    }
    return new YMap(out, m.pos());
  }

  private static void checkVersion(YMap root, String file, Diags d) {
    YNode v = root.get("version");
    if (v == null) {
      throw new ConfigError(new Pos(file, 1, 1), "missing 'version' (use version: 2.1)");
    }
    String text = v instanceof YScalar s ? s.text() : "";
    if (!Set.of("2", "2.0", "2.1").contains(text)) {
      throw new ConfigError(v.pos(), "unsupported version '" + text + "'; expected 2, 2.0 or 2.1");
    }
    if (!text.equals("2.1")) {
      for (String k : V21_ONLY) {
        if (root.has(k)) {
          d.error(root.entry(k).keyPos(), "'" + k + "' needs version: 2.1 (this config says " + text + ")");
        }
      }
    }
  }

  private static Map<String, YNode> pipelineParameters(YMap root, PipelineContext ctx, String file, Diags d) {
    Map<String, ParamSpec> specs = ParamSpec.parseAll(root.get("parameters"), true, d);
    Pos at = root.has("parameters") ? root.entry("parameters").keyPos() : new Pos(file, 1, 1);
    List<YMap.Entry> given = new ArrayList<>();
    for (Map.Entry<String, Object> p : ctx.parameters().entrySet()) {
      ParamSpec spec = specs.get(p.getKey());
      Pos pos = spec == null ? at : spec.pos();
      YNode v = spec == null ? YScalar.of(String.valueOf(p.getValue()), pos) : ParamBinder.coerceGiven(spec, p.getValue(), pos);
      given.add(new YMap.Entry(p.getKey(), pos, v));
    }
    return ParamBinder.bind(specs, given, "the pipeline", at, d);
  }

  /**
   * The workflows whose legacy {@code triggers} fire for a scheduled pipeline: the one named by
   * {@code pipeline.schedule.name}, or (with a cron given) each whose schedule has that cron.
   * Empty for any other trigger.
   */
  private static Set<String> legacyScheduleFiring(YMap wfs, PipelineContext ctx, Diags d) {
    if (!SCHEDULED.equals(ctx.triggerSource())) {
      return Set.of();
    }
    Set<String> firing = new java.util.LinkedHashSet<>();
    String cron = ctx.scheduleCron().trim().replaceAll("\\s+", " ");
    for (YMap.Entry e : wfs.entries()) {
      if (!(e.value() instanceof YMap m) || !m.has("triggers")) {
        continue;
      }
      if (e.key().equals(ctx.scheduleName())) {
        firing.add(e.key());
      } else if (!cron.isEmpty() && Triggers.schedules(e.key(), m.get("triggers"), new Diags()).stream()
          .anyMatch(s -> s.cron().replaceAll("\\s+", " ").equals(cron))) {
        firing.add(e.key());
      }
    }
    return firing;
  }

  private static boolean selected(String name, YMap wf, Scope base, Compilation c, Set<String> legacySchedule,
      List<Schedule> schedules, Map<String, Object> conditions) {
    Diags d = c.diags();
    boolean runs = true;
    for (String k : List.of("when", "unless")) {
      if (wf.has(k)) {
        YNode cond = Substitutor.apply(wf.get(k), base, d);
        conditions.put(k, Nodes.plain(cond));
        boolean v = Logic.eval(cond, c.values(), d);
        runs &= k.equals("when") == v;
      }
    }
    YNode triggers = wf.get("triggers");
    if (triggers == null) {
      return runs && legacySchedule.isEmpty();
    }
    YNode substituted = Substitutor.apply(triggers, base, d);
    conditions.put("triggers", Nodes.plain(substituted));
    List<Schedule> own = Triggers.schedules(name, substituted, d);
    schedules.addAll(own);
    if (!legacySchedule.contains(name)) {
      return false;
    }
    String branch = c.values().get("pipeline.git.branch") instanceof String b ? b : "";
    return runs && own.stream().anyMatch(s -> Triggers.admits(s, branch, triggers.pos(), d));
  }
}
