package dev.circlet.gateway.runner;

/**
 * Who is calling: the Build the runner proved it runs, the storage scope of that Build, and its
 * job.json as the operator wrote it into the build pod's annotation (null when there is none).
 */
public record RunnerIdentity(String namespace, String build, String storageScope, String jobJson) {
  public RunnerIdentity {
    if (namespace == null || namespace.isBlank() || build == null || build.isBlank()) {
      throw new IllegalArgumentException("a runner identity names a namespace and a Build");
    }
  }
}
