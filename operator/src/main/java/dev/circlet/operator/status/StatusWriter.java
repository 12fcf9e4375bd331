package dev.circlet.operator.status;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import java.net.HttpURLConnection;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single writer of a resource's status: writes the status a reconcile computed through the
 * status subresource, only when it differs from what the resource holds, retrying on conflict.
 * The written resource goes into JOSDK's cache so the next reconcile sees it.
 */
public final class StatusWriter {
  static final int MAX_ATTEMPTS = 5;
  private static final Logger log = LoggerFactory.getLogger(StatusWriter.class);

  private final KubernetesSerialization serialization;

  public StatusWriter(KubernetesSerialization serialization) {
    this.serialization = serialization;
  }

  /** Whether two statuses serialize to the same JSON. */
  public <S> boolean same(S a, S b) {
    return Objects.equals(serialization.asJson(a), serialization.asJson(b));
  }

  /** A deep copy of a status, to compute the next one without touching the cached resource. */
  @SuppressWarnings("unchecked")
  public <S> S copy(S status, Class<S> type) {
    if (status == null) {
      return null;
    }
    return serialization.unmarshal(serialization.asJson(status), type);
  }

  /**
   * What a status write sends: the observed resource's kind, a copy of its metadata (name,
   * resourceVersion for optimistic locking) and its spec by reference. A copy because the observed
   * resource is the cache's own object, which a reconcile never changes; not a deep copy, because
   * the API server ignores everything but the status on the status subresource and nothing here
   * changes the spec: a JSON round trip of the whole resource (its compiled job included) on every
   * status write was 2.4 % of the operator's CPU under load.
   */
  @SuppressWarnings("unchecked")
  static <P extends CustomResource<?, S>, S> P forStatusWrite(P observed) {
    P target;
    try {
      target = (P) observed.getClass().getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(observed.getClass() + " has no public no-argument constructor", e);
    }
    target.setApiVersion(observed.getApiVersion());
    target.setKind(observed.getKind());
    target.setMetadata(new ObjectMetaBuilder(observed.getMetadata()).build());
    ((CustomResource<Object, S>) target).setSpec(observed.getSpec());
    return target;
  }

  /**
   * Writes {@code desired} as the status of {@code observed} when it changed.
   *
   * @return the resource as written, {@code observed} when nothing changed, or null when the
   *     resource no longer exists
   */
  public <P extends CustomResource<?, S>, S> P write(P observed, S desired, Context<P> context) {
    if (same(observed.getStatus(), desired)) {
      return observed;
    }
    P target = forStatusWrite(observed);
    for (int attempt = 1; ; attempt++) {
      target.setStatus(desired);
      try {
        return context.resourceOperations().updatePrimaryStatus(target);
      } catch (KubernetesClientException e) {
        if (e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
          return null;
        }
        if (e.getCode() != HttpURLConnection.HTTP_CONFLICT || attempt >= MAX_ATTEMPTS) {
          throw e;
        }
        // Someone else changed the resource (a spec edit such as cancel); the status is ours
        // alone, so it is rewritten on the fresh version. The spec change brings its own reconcile.
        P latest = context.getClient().resource(observed).get();
        if (latest == null) {
          return null;
        }
        log.debug("status conflict on {}/{}, attempt {}", observed.getMetadata().getNamespace(),
            observed.getMetadata().getName(), attempt);
        target = latest;
      }
    }
  }
}
