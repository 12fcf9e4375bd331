package dev.circlet.gateway.trigger;

import dev.circlet.api.v1alpha1.Pipeline;

/** Loads a Pipeline's CircleCI config for one revision: inline from the Pipeline, or from its repository. */
public interface ConfigLoader {
  /**
   * @throws ConfigNotFoundException when the repository has no config at the path (recorded, not retried)
   * @throws RuntimeException when the repository could not be reached (the delivery is retried)
   */
  Loaded load(Pipeline pipeline, String revision);

  /** The config text and the name diagnostics refer to (the path in the repository). */
  record Loaded(String name, String text) {}

  /** The revision has no config at the Pipeline's config path. */
  final class ConfigNotFoundException extends RuntimeException {
    public ConfigNotFoundException(String message) {
      super(message);
    }
  }
}
