package dev.circlet.config.compile;

import dev.circlet.config.filters.Filters;
import dev.circlet.config.model.CompiledWorkflow;
import dev.circlet.config.model.JobSpec;
import dev.circlet.config.model.Step;
import dev.circlet.config.params.Substitutor;
import dev.circlet.config.yaml.Pos;
import dev.circlet.config.yaml.YMap;
import dev.circlet.config.yaml.YNode;
import dev.circlet.config.yaml.YScalar;
import dev.circlet.config.yaml.YSeq;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compiles one workflow's {@code jobs}: matrix expansion, names, parameters, pre/post steps,
 * contexts, requires (names, name overrides, aliases) with cycle checks, and branch/tag filters.
 */
public final class WorkflowCompiler {
  private static final Set<String> RESERVED =
      Set.of("requires", "name", "context", "type", "filters", "matrix", "pre-steps", "post-steps", "serial-group");

  private record Req(String name, Pos pos) {}

  private record Instance(JobSpec spec, Pos pos, List<Req> requires, YNode filters) {}

  private final Compilation c;
  private final JobCompiler jobs;

  public WorkflowCompiler(Compilation c) {
    this.c = c;
    this.jobs = new JobCompiler(c);
  }

  /**
   * Compiles the workflow. With a trigger, only jobs whose filters admit it (and whose required
   * jobs run) are kept; with a null trigger every job is kept.
   */
  public CompiledWorkflow compile(String name, YNode jobsNode, Filters.Trigger trigger) {
    Diags d = c.diags;
    if (!(jobsNode instanceof YSeq seq) || seq.items().isEmpty()) {
      d.error(jobsNode.pos(), "workflow '" + name + "' needs a non-empty 'jobs' list");
      return new CompiledWorkflow(name, List.of());
    }
    Map<String, Integer> unnamedUses = countUnnamed(seq);
    Map<String, Integer> seen = new HashMap<>();
    Map<String, List<String>> aliases = new LinkedHashMap<>();
    List<Instance> instances = new ArrayList<>();
    for (YNode item : seq.items()) {
      entry(item, unnamedUses, seen, aliases, instances);
    }
    Map<String, Instance> byName = new LinkedHashMap<>();
    for (Instance i : instances) {
      if (byName.putIfAbsent(i.spec().name(), i) != null) {
        d.error(i.pos(), "job name '" + i.spec().name() + "' is used twice in workflow '" + name + "'; give one a 'name'");
      }
    }
    Map<String, List<String>> edges = new LinkedHashMap<>();
    for (Instance i : instances) {
      Set<String> reqs = new LinkedHashSet<>();
      for (Req r : i.requires()) {
        if (byName.containsKey(r.name())) {
          reqs.add(r.name());
        } else if (aliases.containsKey(r.name())) {
          reqs.addAll(aliases.get(r.name()));
        } else {
          d.error(r.pos(), "job '" + i.spec().name() + "' requires '" + r.name() + "', which is not a job of workflow '" + name + "'");
        }
      }
      edges.put(i.spec().name(), new ArrayList<>(reqs));
    }
    boolean acyclic = Graphs.checkAcyclic(edges, n -> byName.get(n).pos(), d);
    Set<String> kept = new LinkedHashSet<>();
    if (trigger == null || !acyclic) {
      kept.addAll(byName.keySet());
    } else {
      for (String n : Graphs.topological(edges)) {
        Instance i = byName.get(n);
        if (Filters.runs(i.filters(), trigger, c.values, d) && kept.containsAll(edges.get(n))) {
          kept.add(n);
        }
      }
    }
    List<JobSpec> out = new ArrayList<>();
    for (Map.Entry<String, Instance> e : byName.entrySet()) {
      if (kept.contains(e.getKey())) {
        out.add(e.getValue().spec().withRequires(edges.get(e.getKey())));
      }
    }
    return new CompiledWorkflow(name, out);
  }

  private static Map<String, Integer> countUnnamed(YSeq seq) {
    Map<String, Integer> counts = new HashMap<>();
    for (YNode item : seq.items()) {
      String job = null;
      if (item instanceof YScalar s && s.isString()) {
        job = s.text();
      } else if (item instanceof YMap m && m.size() == 1) {
        YMap.Entry e = m.entries().get(0);
        boolean named = e.value() instanceof YMap cfg && (cfg.has("name") || cfg.has("matrix"));
        job = named ? null : e.key();
      }
      if (job != null) {
        counts.merge(job, 1, Integer::sum);
      }
    }
    return counts;
  }

  private void entry(YNode item, Map<String, Integer> unnamedUses, Map<String, Integer> seen,
      Map<String, List<String>> aliases, List<Instance> out) {
    Diags d = c.diags;
    String job;
    Pos pos;
    YMap cfg;
    if (item instanceof YScalar s && s.isString()) {
      job = s.text();
      pos = s.pos();
      cfg = new YMap(List.of(), s.pos());
    } else if (item instanceof YMap m && m.size() == 1) {
      YMap.Entry e = m.entries().get(0);
      job = e.key();
      pos = e.keyPos();
      if (Nodes.isNull(e.value())) {
        cfg = new YMap(List.of(), e.keyPos());
      } else if (e.value() instanceof YMap v) {
        cfg = v;
      } else {
        d.error(e.value().pos(), "workflow job '" + job + "' must be configured with a map, got " + e.value().kind());
        return;
      }
    } else {
      d.error(item.pos(), "a workflow job must be a name or a map with one key (the job name)");
      return;
    }
    YNode matrixNode = cfg.get("matrix");
    List<Map<String, YNode>> combos = new ArrayList<>();
    String alias = job;
    if (matrixNode == null) {
      combos.add(null);
    } else {
      YNode m = Substitutor.apply(matrixNode, c.base, d);
      combos.addAll(Matrix.expand(m, d));
      if (m instanceof YMap mm && mm.get("alias") instanceof YScalar a && !a.isNull()) {
        alias = a.text();
      }
    }
    YMap rest = cfg.without(Set.of("matrix"));
    for (Map<String, YNode> combo : combos) {
      YMap sc = (YMap) Substitutor.apply(rest, c.base.withMatrix(combo), d);
      String name = Nodes.text(sc, "name", d);
      boolean grouped = combo != null;
      if (name == null) {
        if (combo != null) {
          name = Matrix.defaultName(job, combo);
        } else if (unnamedUses.getOrDefault(job, 0) > 1) {
          // Repeated unnamed invocations become job-1, job-2, ...; "requires: [job]" waits for all.
          name = job + "-" + seen.merge(job, 1, Integer::sum);
          grouped = true;
        } else {
          name = job;
        }
      }
      if (grouped) {
        aliases.computeIfAbsent(combo != null ? alias : job, k -> new ArrayList<>()).add(name);
      }
      Instance inst = instance(job, name, pos, sc, combo);
      if (inst != null) {
        out.add(inst);
      }
    }
  }

  private Instance instance(String job, String name, Pos pos, YMap sc, Map<String, YNode> combo) {
    Diags d = c.diags;
    List<YMap.Entry> args = new ArrayList<>();
    for (YMap.Entry e : sc.entries()) {
      if (!RESERVED.contains(e.key())) {
        args.add(e);
      }
    }
    if (combo != null) {
      combo.forEach((k, v) -> args.add(new YMap.Entry(k, v.pos(), v)));
    }
    List<Step> pre = jobs.steps().expand(sc.get("pre-steps"), c.root);
    List<Step> post = jobs.steps().expand(sc.get("post-steps"), c.root);
    String type = Nodes.text(sc, "type", d);
    JobSpec spec;
    if ("approval".equals(type)) {
      spec = new JobSpec(name, "approval", List.of(), null, null, null, null, Map.of(), null, List.of(), List.of(), null);
    } else {
      if (type != null) {
        d.error(sc.get("type").pos(), "workflow job type must be 'approval', got '" + type + "'");
      }
      Element el = c.root.job(job);
      if (el == null) {
        if (!c.root.fromMissingOrb(job)) {
          d.error(pos, "unknown job '" + job + "'; define it under jobs: or use an orb job (orb/job)");
        }
        return null;
      }
      spec = jobs.compile(el, name, args, pos, pre, post);
      if (spec == null) {
        return null;
      }
    }
    List<String> contexts = Nodes.textList(sc.get("context"), "'context'", d);
    String serial = Nodes.text(sc, "serial-group", d);
    spec = new JobSpec(spec.name(), spec.type(), List.of(), spec.executor(), spec.resourceClass(),
        spec.workingDirectory(), spec.shell(), spec.environment(), spec.parallelism(), spec.steps(),
        contexts == null ? List.of() : contexts, serial);
    return new Instance(spec, pos, requires(sc.get("requires")), sc.get("filters"));
  }

  private List<Req> requires(YNode n) {
    List<Req> out = new ArrayList<>();
    if (Nodes.isNull(n)) {
      return out;
    }
    List<YNode> items = n instanceof YSeq seq ? seq.items() : List.of(n);
    for (YNode i : items) {
      if (i instanceof YScalar s && !s.isNull()) {
        out.add(new Req(s.text(), s.pos()));
      } else if (i instanceof YMap m && m.size() == 1) {
        YMap.Entry e = m.entries().get(0);
        c.diags.warn(e.keyPos(), "requires with a job status is treated as requiring success of '" + e.key() + "'");
        out.add(new Req(e.key(), e.keyPos()));
      } else {
        c.diags.error(i.pos(), "requires items must be job names");
      }
    }
    return out;
  }
}
