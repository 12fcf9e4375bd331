package dev.circlet.gateway.runner;

/**
 * Who is calling: the Build the runner proved it runs, the storage scope of that Build, and the
 * job description when the gateway delivers it (projected-token identity).
 */
public record RunnerIdentity(String namespace, String build, String storageScope, String jobJson) {
  public RunnerIdentity {
    if (namespace == null || namespace.isBlank() || build == null || build.isBlank()) {
      throw new IllegalArgumentException("a runner identity names a namespace and a Build");
    }
  }
}
