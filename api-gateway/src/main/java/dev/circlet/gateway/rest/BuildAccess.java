package dev.circlet.gateway.rest;

import dev.circlet.gateway.builds.BuildDirectory;
import dev.circlet.gateway.builds.BuildRecordsReader;
import dev.circlet.gateway.builds.BuildRef;
import dev.circlet.gateway.logs.StepKey;
import dev.circlet.gateway.tokens.ApiTokens;
import dev.circlet.gateway.tokens.Scope;

/**
 * Who may read a Build's output: a token with read scope of the Build's Organization. The Build's
 * Organization is its {@code spec.organization} when its namespace is bound to that organization;
 * once the Build is gone, the organization recorded with its steps. Anything else, including a Build
 * of another organization, answers 404 exactly like a Build that does not exist.
 */
public final class BuildAccess {
  private final ApiAuth auth;
  private final BuildDirectory builds;
  private final BuildRecordsReader records;

  public BuildAccess(ApiAuth auth, BuildDirectory builds, BuildRecordsReader records) {
    this.auth = auth;
    this.builds = builds;
    this.records = records;
  }

  /** The step of a Build the caller may read; 401, 403 or 404 as an {@link ApiProblem} otherwise. */
  public StepKey readableStep(String authorization, String namespace, String build, String step) {
    ApiTokens.Holder caller = auth.require(authorization, Scope.READ);
    ApiProblem missing = ApiProblem.notFound("no Build " + namespace + "/" + build + " step " + step);
    StepKey key;
    try {
      key = new StepKey(namespace, build, Integer.parseInt(step));
    } catch (IllegalArgumentException e) {
      throw missing;
    }
    String organization = builds.find(namespace, build).map(BuildRef::organization)
        .orElseGet(() -> records.organization(namespace, build).orElse(null));
    if (!caller.organization().equals(organization)) {
      throw missing;
    }
    return key;
  }
}
