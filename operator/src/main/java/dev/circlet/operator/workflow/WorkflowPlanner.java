package dev.circlet.operator.workflow;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.circlet.api.v1alpha1.Build;
import dev.circlet.api.v1alpha1.BuildPhase;
import dev.circlet.api.v1alpha1.BuildSpec;
import dev.circlet.api.v1alpha1.CircletApi;
import dev.circlet.api.v1alpha1.Conditions;
import dev.circlet.api.v1alpha1.JobSpec;
import dev.circlet.api.v1alpha1.JobState;
import dev.circlet.api.v1alpha1.JobStatus;
import dev.circlet.api.v1alpha1.JobType;
import dev.circlet.api.v1alpha1.Timestamps;
import dev.circlet.api.v1alpha1.Workflow;
import dev.circlet.api.v1alpha1.WorkflowPhase;
import dev.circlet.api.v1alpha1.WorkflowSpec;
import dev.circlet.api.v1alpha1.WorkflowStatus;
import dev.circlet.config.model.RequiredStatus;
import dev.circlet.api.naming.Names;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Evaluates a Workflow's job graph against the phases of its Builds: which Builds to create, which
 * to cancel, and the status to write. Pure and deterministic — the same workflow, Build phases
 * and previous status give an equal status, so the caller writes it only when it changed.
 */
public final class WorkflowPlanner {

  /** What the caller does next: create these Builds, cancel these, write this status. */
  public record WorkflowPlan(List<Build> buildsToCreate, List<String> buildsToCancel, WorkflowStatus status) {}

  public static final String CONDITION_SUCCEEDED = "Succeeded";

  private static final ObjectMapper JSON = new ObjectMapper();

  public WorkflowPlanner() {}

  /**
   * Plans one reconcile of a Workflow.
   *
   * @param buildPhases phase of each existing Build of the workflow, by Build name
   * @param now the time recorded for transitions that happen in this plan; earlier timestamps in
   *     the workflow's status are kept
   */
  public WorkflowPlan plan(Workflow workflow, Map<String, BuildPhase> buildPhases, Instant now) {
    WorkflowSpec spec = workflow.getSpec();
    WorkflowStatus previous = workflow.getStatus() == null ? new WorkflowStatus() : workflow.getStatus();
    WorkflowStatus status = copy(previous);
    Long generation = workflow.getMetadata().getGeneration();
    status.observedGeneration = generation;
    if (status.startedAt == null) {
      status.startedAt = Timestamps.format(now);
    }
    if (previous.phase != null && previous.phase.isTerminal()) {
      // A finished workflow is history: nothing is created, cancelled or re-evaluated.
      return new WorkflowPlan(List.of(), List.of(), status);
    }
    Map<String, BuildPhase> phases = buildPhases == null ? Map.of() : buildPhases;
    String invalid = GraphCheck.problem(spec.jobs);
    if (invalid != null) {
      return refused(workflow, status, phases, "InvalidJobGraph", invalid, now);
    }

    Evaluation eval = new Evaluation(workflow, status, phases, now);
    for (JobSpec job : spec.jobs) {
      eval.state(job.name);
    }
    List<JobStatus> jobs = new ArrayList<>();
    for (JobSpec job : spec.jobs) {
      jobs.add(eval.jobStatus.get(job.name));
    }
    status.jobs = jobs;
    List<String> toCancel = new ArrayList<>();
    if (spec.cancelRequested()) {
      for (JobSpec job : spec.jobs) {
        for (String b : eval.expectedBuilds(job)) {
          BuildPhase p = phases.get(b);
          if (p != null && !p.isTerminal()) {
            toCancel.add(b);
          }
        }
      }
    }
    finish(status, phaseOf(jobs, spec.cancelRequested()), generation, now, null, null);
    return new WorkflowPlan(List.copyOf(eval.toCreate), List.copyOf(toCancel), status);
  }

  /** The workflow's phase from its jobs' states. */
  static WorkflowPhase phaseOf(List<JobStatus> jobs, boolean cancel) {
    boolean allTerminal = true;
    boolean running = false;
    boolean onHold = false;
    boolean failed = false;
    boolean canceled = false;
    for (JobStatus j : jobs) {
      allTerminal &= j.state.isTerminal();
      running |= j.state == JobState.Running;
      onHold |= j.state == JobState.OnHold;
      failed |= j.state == JobState.Failed;
      canceled |= j.state == JobState.Canceled;
    }
    if (!allTerminal) {
      // Blocked jobs wait on something upstream: a running job, or (only) approvals.
      return running || !onHold ? WorkflowPhase.Running : WorkflowPhase.OnHold;
    }
    if (cancel) {
      return WorkflowPhase.Canceled;
    }
    if (failed) {
      return WorkflowPhase.Failed;
    }
    return canceled ? WorkflowPhase.Canceled : WorkflowPhase.Succeeded;
  }

  /**
   * Plans a Workflow that may not run at all (its namespace may not use its organization, …):
   * nothing is created, every job is {@code NotRun}, Builds still running are cancelled, and the
   * Workflow fails with {@code Succeeded=False} and this reason. A finished Workflow is kept as is.
   */
  public WorkflowPlan refuse(Workflow workflow, Map<String, BuildPhase> buildPhases, String reason, String message,
      Instant now) {
    WorkflowStatus previous = workflow.getStatus() == null ? new WorkflowStatus() : workflow.getStatus();
    WorkflowStatus status = copy(previous);
    status.observedGeneration = workflow.getMetadata().getGeneration();
    if (status.startedAt == null) {
      status.startedAt = Timestamps.format(now);
    }
    if (previous.phase != null && previous.phase.isTerminal()) {
      return new WorkflowPlan(List.of(), List.of(), status);
    }
    return refused(workflow, status, buildPhases == null ? Map.of() : buildPhases, reason, message, now);
  }

  private static WorkflowPlan refused(Workflow workflow, WorkflowStatus status, Map<String, BuildPhase> phases,
      String reason, String problem, Instant now) {
    List<JobStatus> jobs = new ArrayList<>();
    for (JobSpec job : workflow.getSpec().jobs) {
      JobStatus previous = status.job(job.name);
      JobStatus js = new JobStatus(job.name, JobState.NotRun);
      js.finishedAt = previous != null && previous.finishedAt != null ? previous.finishedAt : Timestamps.format(now);
      jobs.add(js);
    }
    status.jobs = jobs;
    // Builds can only exist if the graph or the namespace's binding changed under a running
    // workflow; stop them.
    List<String> toCancel = phases.entrySet().stream()
        .filter(e -> !e.getValue().isTerminal()).map(Map.Entry::getKey).sorted().toList();
    finish(status, WorkflowPhase.Failed, workflow.getMetadata().getGeneration(), now, reason, problem);
    return new WorkflowPlan(List.of(), toCancel, status);
  }

  private static void finish(WorkflowStatus status, WorkflowPhase phase, Long generation, Instant now,
      String refusedReason, String invalid) {
    status.phase = phase;
    if (phase.isTerminal()) {
      if (status.finishedAt == null) {
        status.finishedAt = Timestamps.format(now);
      }
    } else {
      status.finishedAt = null;
    }
    String condStatus;
    String reason;
    String message;
    if (invalid != null) {
      condStatus = Conditions.FALSE;
      reason = refusedReason;
      message = invalid;
    } else {
      switch (phase) {
        case Succeeded -> {
          condStatus = Conditions.TRUE;
          reason = "Succeeded";
          message = "every job succeeded";
        }
        case Failed -> {
          condStatus = Conditions.FALSE;
          reason = "JobFailed";
          message = "jobs failed: " + String.join(", ", names(status.jobs, JobState.Failed));
        }
        case Canceled -> {
          condStatus = Conditions.FALSE;
          reason = "Canceled";
          message = "the workflow was canceled";
        }
        case OnHold -> {
          condStatus = Conditions.UNKNOWN;
          reason = "OnHold";
          message = "waiting for approval of " + String.join(", ", names(status.jobs, JobState.OnHold));
        }
        default -> {
          condStatus = Conditions.UNKNOWN;
          reason = "Running";
          message = "jobs running: " + String.join(", ", names(status.jobs, JobState.Running));
        }
      }
    }
    Conditions.set(status.conditions, CONDITION_SUCCEEDED, condStatus, reason, message, generation, now);
  }

  private static List<String> names(List<JobStatus> jobs, JobState state) {
    return jobs.stream().filter(j -> j.state == state).map(j -> j.name).toList();
  }

  private static WorkflowStatus copy(WorkflowStatus status) {
    WorkflowStatus c = JSON.convertValue(status, WorkflowStatus.class);
    return c == null ? new WorkflowStatus() : c;
  }

  /** One evaluation of the graph: job states memoised, dependencies first. */
  private static final class Evaluation {
    final Workflow workflow;
    final WorkflowStatus previous;
    final Map<String, BuildPhase> phases;
    final Instant now;
    final Map<String, JobSpec> jobs = new LinkedHashMap<>();
    final Map<String, JobStatus> jobStatus = new HashMap<>();
    final List<Build> toCreate = new ArrayList<>();
    final boolean cancel;

    Evaluation(Workflow workflow, WorkflowStatus previous, Map<String, BuildPhase> phases, Instant now) {
      this.workflow = workflow;
      this.previous = previous;
      this.phases = phases;
      this.now = now;
      this.cancel = workflow.getSpec().cancelRequested();
      for (JobSpec j : workflow.getSpec().jobs) {
        jobs.put(j.name, j);
      }
    }

    /** Every job {@code name} requires, directly or through others, in the Workflow's job order. */
    List<String> upstream(String name) {
      Set<String> seen = new HashSet<>();
      Deque<String> todo = new ArrayDeque<>(jobs.get(name).requires);
      while (!todo.isEmpty()) {
        String r = todo.pop();
        if (seen.add(r) && jobs.containsKey(r)) {
          todo.addAll(jobs.get(r).requires);
        }
      }
      return jobs.keySet().stream().filter(seen::contains).toList();
    }

    List<String> expectedBuilds(JobSpec job) {
      if (job.type != JobType.BUILD) {
        return List.of();
      }
      int n = job.parallelismOrOne();
      List<String> names = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        names.add(Names.build(workflow.getMetadata().getName(), job.name, n > 1 ? i : null, n));
      }
      return names;
    }

    JobState state(String name) {
      JobStatus done = jobStatus.get(name);
      if (done != null) {
        return done.state;
      }
      JobSpec job = jobs.get(name);
      JobStatus before = previous.job(name);
      JobStatus js = new JobStatus(name, JobState.Blocked);
      if (before != null) {
        js.builds = new ArrayList<>(before.builds);
        js.startedAt = before.startedAt;
        js.finishedAt = before.finishedAt;
      }
      boolean requiresOk = true;
      boolean requiresBroken = false;
      for (String r : job.requires) {
        JobState s = state(r);
        if (!s.isTerminal()) {
          requiresOk = false;
        } else if (!RequiredStatus.accepts(job.requiredStatuses.get(r), outcome(s))) {
          requiresOk = false;
          requiresBroken = true;
        }
      }
      if (before != null && before.state != null && before.state.isTerminal()) {
        js.state = before.state; // terminal job states never change
      } else {
        js.state = evaluate(job, js, requiresOk, requiresBroken);
      }
      if (js.state.isTerminal() && js.finishedAt == null) {
        js.finishedAt = Timestamps.format(now);
      }
      if (!js.state.isTerminal()) {
        js.finishedAt = null;
      }
      jobStatus.put(name, js);
      return js.state;
    }

    /** A terminal job state as a {@code requires} status. */
    private static String outcome(JobState s) {
      return switch (s) {
        case Succeeded -> RequiredStatus.SUCCESS;
        case Failed -> RequiredStatus.FAILED;
        case Canceled -> RequiredStatus.CANCELED;
        default -> RequiredStatus.NOT_RUN;
      };
    }

    private JobState evaluate(JobSpec job, JobStatus js, boolean requiresOk, boolean requiresBroken) {
      List<String> expected = expectedBuilds(job);
      boolean anyExists = expected.stream().anyMatch(phases::containsKey) || !js.builds.isEmpty();
      if (job.type == JobType.BUILD && anyExists) {
        // Once started, a job's state comes from its Builds (create any a crash left missing).
        if (!cancel) {
          createMissing(job, expected);
        }
        js.builds = expected;
        return fromBuilds(expected, cancel);
      }
      if (requiresBroken) {
        return JobState.NotRun;
      }
      if (cancel) {
        return JobState.Canceled;
      }
      if (!requiresOk) {
        return JobState.Blocked;
      }
      if (js.startedAt == null) {
        js.startedAt = Timestamps.format(now);
      }
      return switch (job.type) {
        case NO_OP -> JobState.Succeeded;
        case APPROVAL ->
            workflow.getSpec().approvals.contains(job.name) ? JobState.Succeeded : JobState.OnHold;
        case BUILD -> {
          createMissing(job, expected);
          js.builds = expected;
          yield JobState.Running;
        }
      };
    }

    private JobState fromBuilds(List<String> expected, boolean cancel) {
      boolean running = false;
      boolean failed = false;
      boolean canceled = false;
      for (String b : expected) {
        BuildPhase p = phases.get(b);
        if (p == null) {
          // Not created yet (or not yet in the caller's cache): it runs unless we are cancelling.
          if (cancel) {
            canceled = true;
          } else {
            running = true;
          }
        } else if (!p.isTerminal()) {
          running = true;
        } else if (p == BuildPhase.Failed || p == BuildPhase.TimedOut) {
          failed = true;
        } else if (p == BuildPhase.Canceled) {
          canceled = true;
        }
      }
      if (running) {
        return JobState.Running;
      }
      if (failed) {
        return JobState.Failed;
      }
      return canceled ? JobState.Canceled : JobState.Succeeded;
    }

    private void createMissing(JobSpec job, List<String> expected) {
      int n = expected.size();
      for (int i = 0; i < n; i++) {
        if (!phases.containsKey(expected.get(i))) {
          toCreate.add(build(job, expected.get(i), n > 1 ? i : null, n));
        }
      }
    }

    private Build build(JobSpec job, String name, Integer index, int total) {
      WorkflowSpec spec = workflow.getSpec();
      ObjectMeta wf = workflow.getMetadata();
      Map<String, String> labels = new LinkedHashMap<>();
      labels.put(CircletApi.LABEL_MANAGED_BY, CircletApi.MANAGER);
      labels.put(CircletApi.LABEL_WORKFLOW, Names.labelValue(wf.getName()));
      if (spec.pipeline != null) {
        labels.put(CircletApi.LABEL_PIPELINE, Names.labelValue(spec.pipeline));
      }
      labels.put(CircletApi.LABEL_ORGANIZATION, Names.labelValue(spec.organization));
      labels.put(CircletApi.LABEL_JOB, Names.labelValue(job.name));
      Build b = new Build();
      b.setMetadata(
          new ObjectMetaBuilder()
              .withName(name)
              .withNamespace(wf.getNamespace())
              .withLabels(labels)
              .withOwnerReferences(
                  new OwnerReferenceBuilder()
                      .withApiVersion(CircletApi.API_VERSION)
                      .withKind("Workflow")
                      .withName(wf.getName())
                      .withUid(wf.getUid())
                      .withController(true)
                      .withBlockOwnerDeletion(true)
                      .build())
              .build());
      BuildSpec bs = new BuildSpec();
      bs.organization = spec.organization;
      bs.workflow = wf.getName();
      bs.pipeline = spec.pipeline;
      // A copy: the Build must not share mutable state with the Workflow it was planned from.
      bs.job = JSON.convertValue(job, JobSpec.class);
      if (total > 1) {
        bs.parallelIndex = index;
        bs.parallelTotal = total;
      }
      bs.upstreamJobs = upstream(job.name);
      bs.priority = spec.priority;
      bs.timeoutSeconds = spec.buildTimeoutSeconds;
      bs.trigger = TriggerEnvironment.of(spec.trigger, wf.getUid());
      b.setSpec(bs);
      return b;
    }
  }

  /** Checks the graph the compiler should already have checked: unique names, known requires, no cycle. */
  static final class GraphCheck {
    private GraphCheck() {}

    static String problem(List<JobSpec> jobs) {
      Map<String, JobSpec> byName = new LinkedHashMap<>();
      for (JobSpec j : jobs) {
        if (byName.put(j.name, j) != null) {
          return "job \"" + j.name + "\" is defined twice";
        }
      }
      for (JobSpec j : jobs) {
        for (String r : j.requires) {
          if (!byName.containsKey(r)) {
            return "job \"" + j.name + "\" requires unknown job \"" + r + "\"";
          }
        }
      }
      Set<String> done = new HashSet<>();
      for (JobSpec j : jobs) {
        String cycle = cycle(j.name, byName, done, new ArrayList<>());
        if (cycle != null) {
          return "jobs form a cycle: " + cycle;
        }
      }
      return null;
    }

    private static String cycle(String name, Map<String, JobSpec> jobs, Set<String> done, List<String> path) {
      if (done.contains(name)) {
        return null;
      }
      int at = path.indexOf(name);
      if (at >= 0) {
        List<String> loop = new ArrayList<>(path.subList(at, path.size()));
        loop.add(name);
        return String.join(" -> ", loop);
      }
      path.add(name);
      for (String r : jobs.get(name).requires) {
        String c = cycle(r, jobs, done, path);
        if (c != null) {
          return c;
        }
      }
      path.remove(path.size() - 1);
      done.add(name);
      return null;
    }
  }
}
