package dev.circlet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import java.util.ArrayList;
import java.util.List;

/** An Organization's plan. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class OrganizationSpec {
  @Min(0)
  @Default("10")
  @JsonPropertyDescription("Most Builds admitted or running at once. Default 10.")
  public Integer maxConcurrentBuilds = 10;

  @Min(0)
  @JsonPropertyDescription("Most Builds waiting in the queue; further Builds fail at once. Unset: no limit.")
  public Integer maxQueuedBuilds;

  @JsonPropertyDescription("Resource classes this organization may use; empty allows all.")
  public List<String> allowedResourceClasses = new ArrayList<>();

  @Min(1)
  @Default("1")
  @JsonPropertyDescription("Share of free cluster capacity relative to other organizations. Default 1.")
  public Integer weight = 1;

  @Min(0)
  @Default("100")
  @JsonPropertyDescription("Highest priority a Build of this organization runs with: a Build's priority is held"
      + " within -maxPriority..maxPriority, so one namespace of the organization cannot push all others"
      + " to the back of its queue with an extreme value. Default 100.")
  public Integer maxPriority = 100;

  public OrganizationSpec() {}

  /** The priority a Build asking for {@code requested} runs with under this plan. */
  public int boundedPriority(int requested) {
    int cap = maxPriority == null ? 100 : Math.max(0, maxPriority);
    return Math.max(-cap, Math.min(cap, requested));
  }

  public int maxConcurrent() {
    return maxConcurrentBuilds == null ? 10 : maxConcurrentBuilds;
  }

  public int weightOrOne() {
    return weight == null || weight < 1 ? 1 : weight;
  }
}
