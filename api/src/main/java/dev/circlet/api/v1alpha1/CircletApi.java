package dev.circlet.api.v1alpha1;

/** Names shared by every Circlet resource: API group, version, labels and annotations. */
public final class CircletApi {
  public static final String GROUP = "ci.circlet.dev";
  public static final String VERSION = "v1alpha1";
  public static final String API_VERSION = GROUP + "/" + VERSION;

  public static final String LABEL_BUILD = GROUP + "/build";
  public static final String LABEL_WORKFLOW = GROUP + "/workflow";
  public static final String LABEL_PIPELINE = GROUP + "/pipeline";
  /**
   * On Circlet's children: the organization they belong to. On a Namespace: the one Organization
   * whose capacity the Pipelines, Workflows and Builds of that namespace may use; set by platform
   * admins only (tenants hold no {@code update} on Namespace objects).
   */
  public static final String LABEL_ORGANIZATION = GROUP + "/organization";
  public static final String LABEL_JOB = GROUP + "/job";
  public static final String LABEL_RESOURCE_CLASS = GROUP + "/resource-class";
  /**
   * On a Secret in a Build's namespace: the CircleCI context it holds ({@code context: [aws-prod]}
   * in a workflow job); each key is an environment variable, masked in output.
   */
  public static final String LABEL_CONTEXT = GROUP + "/context";
  /** On a ConfigMap of vendored orb sources: the orb's registry namespace ({@code circleci}). */
  public static final String LABEL_ORB_NAMESPACE = GROUP + "/orb-namespace";
  /** On a ConfigMap of vendored orb sources: the orb's name ({@code node}). */
  public static final String LABEL_ORB_NAME = GROUP + "/orb-name";
  /**
   * On a build pod: the agent's job.json, which a downwardAPI volume projects into the agent
   * container and the gateway reads back for the build session.
   */
  public static final String ANNOTATION_JOB = GROUP + "/job";
  public static final String LABEL_MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String MANAGER = "circlet";

  private CircletApi() {}
}
