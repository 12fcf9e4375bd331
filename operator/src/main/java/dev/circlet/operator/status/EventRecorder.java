package dev.circlet.operator.status;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records Kubernetes Events about Circlet resources. Events are written off the reconcile thread:
 * they are informative, and a slow or failing Event write must never hold up a Build.
 */
public final class EventRecorder implements AutoCloseable {
  public static final String COMPONENT = "circlet-operator";
  public static final String NORMAL = "Normal";
  public static final String WARNING = "Warning";

  private static final Logger log = LoggerFactory.getLogger(EventRecorder.class);

  private final KubernetesClient client;
  private final ExecutorService writer;
  private final Clock clock;

  public EventRecorder(KubernetesClient client, ExecutorService writer, Clock clock) {
    this.client = client;
    this.writer = writer;
    this.clock = clock;
  }

  /** Records an Event on {@code object}; {@code reason} is a CamelCase word such as a phase. */
  public void record(HasMetadata object, String type, String reason, String message) {
    var meta = object.getMetadata();
    Event event = event(object, type, reason, message, clock.instant());
    String namespace = event.getMetadata().getNamespace();
    try {
      writer.execute(
          () -> {
            try {
              client.v1().events().inNamespace(namespace).resource(event).create();
            } catch (RuntimeException e) {
              log.debug("event {} on {}/{} not recorded: {}", reason, namespace, meta.getName(), e.getMessage());
            }
          });
    } catch (RejectedExecutionException e) {
      log.debug("event {} on {}/{} dropped: recorder stopped", reason, namespace, meta.getName());
    }
  }

  /** The core/v1 Event {@link #record} writes. */
  public static Event event(HasMetadata object, String type, String reason, String message, Instant at) {
    var meta = object.getMetadata();
    String namespace = meta.getNamespace() == null ? "default" : meta.getNamespace();
    String now = DateTimeFormatter.ISO_INSTANT.format(at);
    return new EventBuilder()
        .withNewMetadata()
        .withName(meta.getName() + "." + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()))
        .withNamespace(namespace)
        .endMetadata()
        .withInvolvedObject(
            new ObjectReferenceBuilder()
                .withApiVersion(object.getApiVersion())
                .withKind(object.getKind())
                .withName(meta.getName())
                .withNamespace(meta.getNamespace())
                .withUid(meta.getUid())
                .withResourceVersion(meta.getResourceVersion())
                .build())
        .withType(type)
        .withReason(reason)
        .withMessage(message == null ? reason : message)
        .withFirstTimestamp(now)
        .withLastTimestamp(now)
        .withCount(1)
        .withNewSource()
        .withComponent(COMPONENT)
        .endSource()
        .withReportingComponent(COMPONENT)
        .build();
  }

  @Override
  public void close() {
    writer.shutdown();
    try {
      writer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
