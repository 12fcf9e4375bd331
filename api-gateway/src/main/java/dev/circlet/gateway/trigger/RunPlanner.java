package dev.circlet.gateway.trigger;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.circlet.api.naming.Names;
import dev.circlet.api.v1alpha1.CircletApi;
import dev.circlet.api.v1alpha1.JobSpec;
import dev.circlet.api.v1alpha1.Pipeline;
import dev.circlet.api.v1alpha1.Trigger;
import dev.circlet.api.v1alpha1.Workflow;
import dev.circlet.api.v1alpha1.WorkflowSpec;
import dev.circlet.config.CompileResult;
import dev.circlet.config.BoundedCompiler;
import dev.circlet.config.ConfigCompiler;
import dev.circlet.config.ConfigSource;
import dev.circlet.config.Diagnostic;
import dev.circlet.config.PipelineContext;
import dev.circlet.config.model.CompiledWorkflow;
import dev.circlet.gateway.archive.ArchiveViews;
import dev.circlet.gateway.webhook.TriggerEvent;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns one trigger of one Pipeline with an allocated pipeline number into the Workflows to create:
 * compiles the config for the trigger (filters and {@code when} decide which workflows run) and
 * derives each Workflow's name from pipeline, number and workflow. Pure: no cluster, no database.
 */
public final class RunPlanner {
  /** Annotation holding the run key: a Workflow carrying the same key is this run's own. */
  public static final String RUN_KEY = CircletApi.GROUP + "/run-key";
  public static final String LABEL_PIPELINE_NUMBER = CircletApi.GROUP + "/pipeline-number";

  private static final ObjectMapper JSON = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private final java.util.function.Supplier<ConfigCompiler> compilers;
  /**
   * Tenants' configs compile within the compiler's limits on threads of their own, so a hostile
   * config ends as an invalid_config record instead of an error, a hang or a dead consumer.
   */
  private final BoundedCompiler bounded = new BoundedCompiler(2);

  public RunPlanner(ConfigCompiler compiler) {
    this(() -> compiler);
  }

  /** @param compilers a compiler per compile (its orb store records what that compile resolved) */
  public RunPlanner(java.util.function.Supplier<ConfigCompiler> compilers) {
    this.compilers = compilers;
  }

  /** What a run creates: Workflows, or nothing with the status and reason to record. */
  public sealed interface Plan {
    record Create(List<Workflow> workflows) implements Plan {}

    record Nothing(String status, String reason) implements Plan {}
  }

  /** The trigger as the run sees it: the event, where it came from, and the run's identity. */
  public record RunTrigger(TriggerEvent event, String source, String deliveryId, String runKey,
      Map<String, Object> parameters, String scheduleName) {}

  public Plan plan(Pipeline pipeline, RunTrigger trigger, long number, ConfigLoader.Loaded config) {
    PipelineContext ctx = context(pipeline, trigger, number);
    // BoundedCompiler.Unavailable (no compile thread free) is no fault of the config: the delivery is retried
    CompileResult result = bounded.compile(compilers.get(), ConfigSource.of(config.name(), config.text()), ctx);
    if (!result.ok()) {
      Diagnostic d = result.errors().get(0);
      return new Plan.Nothing("invalid_config", d.file() + ":" + d.line() + ":" + d.column() + ": " + d.message());
    }
    if (result.workflows().isEmpty()) {
      TriggerEvent e = trigger.event();
      String ref = e.tag() != null ? "tag " + e.tag() : "branch " + e.branch();
      return new Plan.Nothing("filtered", "no workflow of " + result.workflowNames() + " runs for " + ref
          + " (filters or when)");
    }
    List<Workflow> out = new ArrayList<>();
    for (CompiledWorkflow cw : result.workflows()) {
      out.add(workflow(pipeline, trigger, number, cw));
    }
    return new Plan.Create(out);
  }

  static PipelineContext context(Pipeline pipeline, RunTrigger trigger, long number) {
    TriggerEvent e = trigger.event();
    var repo = pipeline.getSpec().repository;
    String defaultBranch = repo.defaultBranch == null || repo.defaultBranch.isBlank() ? "main" : repo.defaultBranch;
    PipelineContext.Builder b = PipelineContext.builder()
        .id(trigger.runKey())
        .number(number)
        .projectUrl(repo.url)
        .value("project.type", repo.provider == null ? "" : repo.provider)
        .triggerSource(trigger.source())
        .parameters(trigger.parameters() == null ? Map.of() : trigger.parameters());
    if (e.branch() != null) {
      b.branch(e.branch()).defaultBranch(e.branch().equals(defaultBranch));
    }
    if (e.tag() != null) {
      b.tag(e.tag());
    }
    put(b, "git.revision", e.revision());
    put(b, "git.base_revision", e.baseRevision());
    put(b, "git.commit.subject", e.commitSubject());
    put(b, "git.commit.author_name", e.commitAuthorName());
    put(b, "git.commit.author_email", e.commitAuthorEmail());
    put(b, "git.commit.author_login", e.actor());
    put(b, "git.commit.body", e.commitBody());
    put(b, "git.commit.url", e.commitUrl());
    put(b, "project.slug", slug(repo.provider, repo.url));
    if (trigger.scheduleName() != null) {
      b.schedule(trigger.scheduleName());
    }
    return b.build();
  }

  /**
   * CircleCI's project slug, {@code <vcs>/<owner>/<repo>} ({@code gh}, {@code gl} or {@code bb}),
   * from the repository URL's path; null when the provider or the path is not one of those.
   */
  static String slug(String provider, String url) {
    String vcs = provider == null ? null : switch (provider) {
      case "github" -> "gh";
      case "gitlab" -> "gl";
      case "bitbucket" -> "bb";
      default -> null;
    };
    if (vcs == null || url == null) {
      return null;
    }
    String normalised = RepositoryUrls.normalise(url);
    int slash = normalised.indexOf('/');
    String path = slash < 0 ? "" : normalised.substring(slash + 1);
    return path.isEmpty() || path.indexOf('/') < 0 ? null : vcs + "/" + path;
  }

  private static void put(PipelineContext.Builder b, String key, String value) {
    if (value != null) {
      b.value(key, value);
    }
  }

  private static Workflow workflow(Pipeline pipeline, RunTrigger trigger, long number, CompiledWorkflow cw) {
    String pipelineName = pipeline.getMetadata().getName();
    Workflow wf = new Workflow();
    wf.getMetadata().setName(Names.workflow(pipelineName, number, cw.name()));
    wf.getMetadata().setNamespace(pipeline.getMetadata().getNamespace());
    wf.getMetadata().getLabels().put(CircletApi.LABEL_PIPELINE, Names.labelValue(pipelineName));
    wf.getMetadata().getLabels().put(LABEL_PIPELINE_NUMBER, Long.toString(number));
    wf.getMetadata().getLabels().put(CircletApi.LABEL_MANAGED_BY, CircletApi.MANAGER);
    wf.getMetadata().getAnnotations().put(RUN_KEY, trigger.runKey());
    if (!cw.matrixGroups().isEmpty()) {
      // the resource's JobSpec has no field for it; an annotation keeps the API's schema as it is
      wf.getMetadata().getAnnotations().put(ArchiveViews.MATRIX_GROUPS, JSON.valueToTree(cw.matrixGroups()).toString());
    }
    if (pipeline.getMetadata().getUid() != null) {
      wf.getMetadata().setOwnerReferences(List.of(new OwnerReferenceBuilder()
          .withApiVersion(CircletApi.API_VERSION).withKind("Pipeline").withName(pipelineName)
          .withUid(pipeline.getMetadata().getUid()).build()));
    }
    WorkflowSpec spec = new WorkflowSpec();
    spec.pipeline = pipelineName;
    spec.pipelineNumber = number;
    spec.workflowName = cw.name();
    spec.organization = pipeline.getSpec().organization;
    Trigger t = new Trigger();
    TriggerEvent e = trigger.event();
    t.revision = e.revision();
    t.branch = e.branch();
    t.tag = e.tag();
    t.actor = e.actor();
    t.source = trigger.source();
    t.deliveryId = trigger.deliveryId();
    t.repositoryUrl = pipeline.getSpec().repository.url;
    spec.trigger = t;
    if (trigger.parameters() != null) {
      trigger.parameters().forEach((k, v) -> spec.parameters.put(k, String.valueOf(v)));
    }
    // The compiler's job model serialises to the same JSON as the resource's JobSpec.
    spec.jobs = JSON.convertValue(cw.jobs(), new TypeReference<List<JobSpec>>() {});
    wf.setSpec(spec);
    return wf;
  }
}
