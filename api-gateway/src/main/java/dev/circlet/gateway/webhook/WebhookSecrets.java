package dev.circlet.gateway.webhook;

import java.util.List;

/** The secrets that may sign a provider's webhooks: the keys of the Secrets its Pipelines name. */
public interface WebhookSecrets {
  List<byte[]> forProvider(Provider provider);

  /**
   * Whether {@link #forProvider} answers from memory now, without loading anything: only then may
   * it be called on an event-loop thread.
   */
  default boolean current() {
    return true;
  }

  /** Called after a signature matched none of them: a source may reload once, for a just-created Pipeline. */
  default boolean refresh() {
    return false;
  }
}
