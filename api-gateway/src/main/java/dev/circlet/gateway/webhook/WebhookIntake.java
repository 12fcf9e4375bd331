package dev.circlet.gateway.webhook;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The pure core of webhook acceptance: checks the headers a provider must send, verifies the
 * signature on the raw bytes with the secrets that may sign for that provider, and only then parses
 * the payload. Throws {@link WebhookException} with the HTTP status for every rejection.
 */
public final class WebhookIntake {
  private static final Pattern DELIVERY_ID = Pattern.compile("[A-Za-z0-9._:{}-]{1,200}");

  private WebhookIntake() {}

  /** A verified and parsed webhook. */
  public record Accepted(Provider provider, String deliveryId, String eventType, ParsedWebhook parsed) {
    /** The message to publish, or null when there is nothing to build (ping, ignored event). */
    public Delivery delivery() {
      return parsed instanceof ParsedWebhook.Events e
          ? new Delivery(provider.id(), deliveryId, eventType, e.events()) : null;
    }
  }

  /**
   * @param headers request headers with lower-case names
   * @param secrets every secret that may sign this provider's webhooks
   */
  public static Accepted receive(Provider provider, Map<String, String> headers, byte[] body, List<byte[]> secrets) {
    return switch (provider) {
      case GITHUB -> {
        String event = required(headers, "x-github-event");
        String delivery = deliveryId(headers, "x-github-delivery");
        if (!WebhookSignatures.hmacSha256(body, required(headers, "x-hub-signature-256"), secrets)) {
          throw WebhookException.unauthorized("X-Hub-Signature-256 does not match the payload under any webhook secret");
        }
        yield new Accepted(provider, delivery, event, GitHubPayloads.parse(event, body));
      }
      case GITLAB -> {
        String event = required(headers, "x-gitlab-event");
        String delivery = headers.containsKey("idempotency-key")
            ? deliveryId(headers, "idempotency-key") : deliveryId(headers, "x-gitlab-event-uuid");
        if (!WebhookSignatures.token(required(headers, "x-gitlab-token"), secrets)) {
          throw WebhookException.unauthorized("X-Gitlab-Token is not a webhook secret of any Pipeline");
        }
        yield new Accepted(provider, delivery, event, GitLabPayloads.parse(event, body));
      }
      case BITBUCKET -> {
        String event = required(headers, "x-event-key");
        String delivery = headers.containsKey("x-request-uuid")
            ? deliveryId(headers, "x-request-uuid") : deliveryId(headers, "x-request-id");
        if (!WebhookSignatures.hmacSha256(body, required(headers, "x-hub-signature"), secrets)) {
          throw WebhookException.unauthorized("X-Hub-Signature does not match the payload under any webhook secret");
        }
        yield new Accepted(provider, delivery, event, BitbucketPayloads.parse(event, body));
      }
    };
  }

  private static String required(Map<String, String> headers, String name) {
    String v = headers.get(name);
    if (v == null || v.isBlank()) {
      throw WebhookException.badRequest("missing header " + name);
    }
    return v.strip();
  }

  private static String deliveryId(Map<String, String> headers, String name) {
    String v = required(headers, name);
    if (!DELIVERY_ID.matcher(v).matches()) {
      throw WebhookException.badRequest(name + " must be 1 to 200 characters of letters, digits and ._:{}-");
    }
    return v;
  }
}
