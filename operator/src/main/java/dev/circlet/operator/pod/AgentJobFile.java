package dev.circlet.operator.pod;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.circlet.api.naming.StorageScope;
import dev.circlet.api.v1alpha1.Build;
import dev.circlet.api.v1alpha1.BuildSpec;
import dev.circlet.operator.workflow.TriggerEnvironment;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The agent's job.json, written into the build pod's {@code ci.circlet.dev/job} annotation and
 * projected into the agent container (docs/build-pod.md, "Build identity"). Pure.
 */
public final class AgentJobFile {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Largest job.json the pod annotation may carry: the API server allows 256 KiB for all of an
   * object's annotations together, and 16 KiB stay free for annotations others add.
   */
  public static final int MAX_BYTES = 240 * 1024;
  /** Reason of a Build whose job.json does not fit its pod's annotation. */
  public static final String REASON_TOO_LARGE = "JobTooLarge";

  /** The Build's job.json exceeds {@link #MAX_BYTES}; no retry makes it fit. */
  public static final class TooLargeException extends IllegalArgumentException {
    TooLargeException(String message) {
      super(message);
    }
  }

  private AgentJobFile() {}

  /**
   * The agent's job.json: compiled job, trigger, parallel index, the upstream jobs whose workspace
   * layers it may attach, the workflow id and the storage scope. It holds no secret (context and
   * clone credentials are separate Secrets), so it travels in the pod's annotation, which a
   * downwardAPI volume projects into the agent container.
   */
  public static String of(Build build) {
    if (build == null || build.getMetadata() == null || build.getSpec() == null || build.getSpec().job == null) {
      throw new IllegalArgumentException("job.json needs a Build with metadata and spec.job");
    }
    BuildSpec spec = build.getSpec();
    String buildName = build.getMetadata().getName();
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("build", buildName);
    doc.put("job", spec.job);
    // The agent's JobFile shape, not the CIRCLE_* map: the agent derives the variables itself.
    doc.put("trigger", TriggerEnvironment.agentTrigger(spec.trigger));
    String workflowId = TriggerEnvironment.workflowId(spec.trigger);
    if (workflowId != null && !workflowId.isEmpty()) {
      doc.put("workflowId", workflowId);
    }
    doc.put("storageScope", StorageScope.of(build));
    doc.put("parallelIndex", spec.parallelIndex == null ? 0 : spec.parallelIndex);
    doc.put("parallelTotal", spec.parallelTotal == null ? 1 : spec.parallelTotal);
    if (spec.upstreamJobs != null) {
      doc.put("upstreamJobs", spec.upstreamJobs);
    }
    try {
      return JSON.writeValueAsString(doc);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise the job of build " + buildName, e);
    }
  }

  /** job.json of a Build that fits the pod's annotation; {@link TooLargeException} otherwise. */
  static String fitting(Build build) {
    String json = of(build);
    int bytes = json.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_BYTES) {
      throw new TooLargeException("job \"" + build.getSpec().job.name + "\" compiles to " + bytes + " bytes of"
          + " job.json, more than the " + MAX_BYTES + " bytes a build pod's annotation can carry; shrink the job"
          + " (fewer or shorter steps, environment values or parameters)");
    }
    return json;
  }
}
