package dev.circlet.runner.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.circlet.config.model.JobSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The agent's {@code job.json}: the Build's compiled job (api JobSpec JSON), its trigger, its
 * parallel index and the build name, plus the build's masked secrets (project settings, contexts)
 * and, optionally, every job upstream of this one in the workflow (for attach_workspace), and the
 * storage scope (organization and project) under which every cache, workspace and timing key lives.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record JobFile(
    JobSpec job,
    Trigger trigger,
    Integer parallelIndex,
    Integer parallelTotal,
    String build,
    Long buildNum,
    String buildUrl,
    String workflowId,
    Map<String, String> secrets,
    // absent means every job of the workflow, not none
    @JsonSetter(nulls = Nulls.SET) List<String> upstreamJobs,
    // the storage prefix the operator assigns (organization and project); never set by the job
    String storageScope) {

  /** The trigger part of job.json (api Trigger JSON). */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Trigger(String revision, String branch, String tag, String actor, String repositoryUrl) {}

  /**
   * Newer operators may add fields, and api JSON leaves out empty lists and maps: unknown
   * properties are skipped and absent or null lists and maps read as empty.
   */
  private static final ObjectMapper JSON = mapper();

  private static ObjectMapper mapper() {
    ObjectMapper m = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    m.configOverride(List.class).setSetterInfo(JsonSetter.Value.forValueNulls(Nulls.AS_EMPTY));
    m.configOverride(Map.class).setSetterInfo(JsonSetter.Value.forValueNulls(Nulls.AS_EMPTY));
    return m;
  }

  /** Parses job.json; a clear one-line {@link IllegalArgumentException} on bad input. */
  public static JobFile parse(String json) {
    JobFile f;
    try {
      f = JSON.readValue(json, JobFile.class);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException("job.json is not valid: " + e.getOriginalMessage());
    }
    if (f == null || f.job() == null || f.job().name() == null) {
      throw new IllegalArgumentException("job.json has no job with a name");
    }
    return f;
  }

  public static JobFile read(Path file) throws IOException {
    try {
      return parse(Files.readString(file));
    } catch (java.nio.file.NoSuchFileException e) {
      throw new IOException("job file not found: " + file);
    }
  }

  public Map<String, String> secretsOrEmpty() {
    return secrets == null ? Map.of() : secrets;
  }

  /** The built-in variables' source for this build. */
  public BuildInfo buildInfo() {
    Trigger t = trigger == null ? new Trigger(null, null, null, null, null) : trigger;
    long num = buildNum == null ? 1 : buildNum;
    String wf = workflowId == null ? (build == null ? job.name() : build) : workflowId;
    return new BuildInfo(t.revision(), t.branch(), t.tag(), t.repositoryUrl(), t.actor(), null, num,
        Math.max(0, num - 1), buildUrl == null ? "" : buildUrl, wf, build == null ? job.name() : build,
        wf, parallelIndex == null ? 0 : parallelIndex, parallelTotal == null ? 1 : parallelTotal);
  }
}
