package dev.circlet.config.compile;

import dev.circlet.config.filters.Filters;
import dev.circlet.config.model.CompiledWorkflow;
import dev.circlet.config.model.JobSpec;
import dev.circlet.config.model.RequiredStatus;
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

  /** One {@code requires} entry; {@code statuses} empty means success. */
  private record Req(String name, Pos pos, List<String> statuses) {}

  private static final List<String> STATUSES = List.of(RequiredStatus.SUCCESS, RequiredStatus.FAILED,
      RequiredStatus.CANCELED, RequiredStatus.NOT_RUN, RequiredStatus.TERMINAL);

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
    Map<String, String> matrixGroups = new LinkedHashMap<>();
    for (YNode item : seq.items()) {
      entry(item, unnamedUses, seen, aliases, matrixGroups, instances);
    }
    Map<String, Instance> byName = new LinkedHashMap<>();
    for (Instance i : instances) {
      if (byName.putIfAbsent(i.spec().name(), i) != null) {
        d.error(i.pos(), "job name '" + i.spec().name() + "' is used twice in workflow '" + name + "'; give one a 'name'");
      }
    }
    Map<String, List<String>> edges = new LinkedHashMap<>();
    Map<String, Map<String, List<String>>> statuses = new HashMap<>();
    for (Instance i : instances) {
      Set<String> reqs = new LinkedHashSet<>();
      Map<String, List<String>> accepted = new LinkedHashMap<>();
      for (Req r : i.requires()) {
        List<String> targets;
        if (byName.containsKey(r.name())) {
          targets = List.of(r.name());
        } else if (aliases.containsKey(r.name())) {
          targets = aliases.get(r.name());
        } else {
          d.error(r.pos(), "job '" + i.spec().name() + "' requires '" + r.name() + "', which is not a job of workflow '" + name + "'");
          continue;
        }
        reqs.addAll(targets);
        if (!r.statuses().isEmpty()) {
          for (String t : targets) {
            List<String> merged = new ArrayList<>(accepted.getOrDefault(t, List.of()));
            r.statuses().stream().filter(st -> !merged.contains(st)).forEach(merged::add);
            accepted.put(t, merged);
          }
        }
      }
      edges.put(i.spec().name(), new ArrayList<>(reqs));
      statuses.put(i.spec().name(), accepted);
    }
    boolean acyclic = Graphs.checkAcyclic(edges, n -> byName.get(n).pos(), d);
    Set<String> kept = new LinkedHashSet<>();
    if (trigger == null || !acyclic) {
      kept.addAll(byName.keySet());
    } else {
      for (String n : Graphs.topological(edges)) {
        Instance i = byName.get(n);
        c.budget.tick(i.pos());
        if (Filters.runs(i.filters(), trigger, c.values, d) && kept.containsAll(edges.get(n))) {
          kept.add(n);
        }
      }
    }
    List<JobSpec> out = new ArrayList<>();
    Map<String, Object> filters = new LinkedHashMap<>();
    Map<String, String> groups = new LinkedHashMap<>();
    for (Map.Entry<String, Instance> e : byName.entrySet()) {
      if (kept.contains(e.getKey())) {
        if (matrixGroups.containsKey(e.getKey())) {
          groups.put(e.getKey(), matrixGroups.get(e.getKey()));
        }
        out.add(e.getValue().spec().withRequires(edges.get(e.getKey()), statuses.get(e.getKey())));
        if (trigger == null && !Nodes.isNull(e.getValue().filters())) {
          filters.put(e.getKey(), Nodes.plain(e.getValue().filters()));
        }
      }
    }
    return new CompiledWorkflow(name, out, Map.of(), filters, groups);
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
      Map<String, List<String>> aliases, Map<String, String> matrixGroups, List<Instance> out) {
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
      combos.addAll(Matrix.expand(m, c.budget, d));
      if (m instanceof YMap mm && mm.get("alias") instanceof YScalar a && !a.isNull()) {
        alias = a.text();
      }
    }
    YMap rest = cfg.without(Set.of("matrix"));
    for (Map<String, YNode> combo : combos) {
      c.budget.job(pos);
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
      if (combo != null) {
        matrixGroups.put(name, alias);
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
        contexts == null ? List.of() : contexts, serial, Map.of(), spec.unsupported());
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
        out.add(new Req(s.text(), s.pos(), List.of()));
      } else if (i instanceof YMap m && m.size() == 1) {
        // - build: failed | - build: [success, failed] | - build: terminal
        YMap.Entry e = m.entries().get(0);
        List<String> statuses = Nodes.textList(e.value(), "status of required job '" + e.key() + "'", c.diags);
        if (statuses == null || statuses.isEmpty()) {
          c.diags.error(e.keyPos(), "requires '" + e.key() + "' needs a job status: one of "
              + String.join(", ", STATUSES) + ", or a list of them");
          continue;
        }
        List<String> known = new ArrayList<>();
        for (String st : statuses) {
          if (RequiredStatus.ALL.contains(st)) {
            known.add(st);
          } else {
            c.diags.error(e.value().pos(), "'" + st + "' is not a job status for requires; use one of "
                + String.join(", ", STATUSES));
          }
        }
        out.add(new Req(e.key(), e.keyPos(), List.copyOf(known)));
      } else {
        c.diags.error(i.pos(), "requires items must be job names");
      }
    }
    return out;
  }
}
