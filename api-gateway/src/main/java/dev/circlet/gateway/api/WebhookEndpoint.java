package dev.circlet.gateway.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.circlet.gateway.broker.ConfirmedPublisher;
import dev.circlet.gateway.trigger.DeliveryHandler;
import dev.circlet.gateway.webhook.Delivery;
import dev.circlet.gateway.webhook.ParsedWebhook;
import dev.circlet.gateway.webhook.Provider;
import dev.circlet.gateway.webhook.WebhookException;
import dev.circlet.gateway.webhook.WebhookIntake;
import dev.circlet.gateway.webhook.WebhookSecrets;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The HTTP edge of webhooks: {@code POST /webhooks/{github|gitlab|bitbucket}}. Reads the body as it
 * streams in and answers 413 as soon as it passes the provider's limit (the rest is never
 * buffered), verifies and parses on a worker thread, publishes, and answers 202 only after the
 * broker confirmed the message; 503 when it did not. Errors are {@code application/problem+json}.
 */
public final class WebhookEndpoint {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Vertx vertx;
  private final WebhookSecrets secrets;
  private final ConfirmedPublisher publisher;
  private final Map<Provider, Long> limits;

  public WebhookEndpoint(Vertx vertx, WebhookSecrets secrets, ConfirmedPublisher publisher, Map<Provider, Long> limits) {
    this.vertx = vertx;
    this.secrets = secrets;
    this.publisher = publisher;
    this.limits = Map.copyOf(limits);
  }

  public void mount(Router router) {
    router.post("/webhooks/:provider").order(-100).handler(this::handle);
  }

  void handle(RoutingContext rc) {
    HttpServerRequest req = rc.request();
    Provider provider = Provider.fromId(rc.pathParam("provider"));
    if (provider == null) {
      problem(rc, new WebhookException(404, "Unknown webhook provider", "use github, gitlab or bitbucket"));
      return;
    }
    long limit = limits.get(provider);
    Buffer body = Buffer.buffer();
    boolean[] over = {false};
    String length = req.getHeader("Content-Length");
    if (length != null) {
      try {
        if (Long.parseLong(length.trim()) > limit) {
          over[0] = true;
          tooLarge(rc, limit);
        }
      } catch (NumberFormatException e) {
        over[0] = true;
        problem(rc, WebhookException.badRequest("Content-Length is not a number"));
      }
    }
    // Past the limit the rest of the body is read and dropped, never kept: memory stays at the
    // limit, and the client still gets the answer on an intact connection.
    req.handler(chunk -> {
      if (over[0]) {
        return;
      }
      if (body.length() + chunk.length() > limit) {
        over[0] = true;
        tooLarge(rc, limit);
        return;
      }
      body.appendBuffer(chunk);
    });
    req.exceptionHandler(e -> over[0] = true);
    req.endHandler(v -> {
      if (!over[0]) {
        accept(rc, provider, body.getBytes());
      }
    });
    req.resume();
  }

  private void accept(RoutingContext rc, Provider provider, byte[] body) {
    Map<String, String> headers = new HashMap<>();
    rc.request().headers().forEach(h -> headers.putIfAbsent(h.getKey().toLowerCase(Locale.ROOT), h.getValue()));
    Context ctx = vertx.getOrCreateContext();
    vertx.<WebhookIntake.Accepted>executeBlocking(() -> verify(provider, headers, body), false)
        .onFailure(e -> problem(rc, e instanceof WebhookException w ? w
            : new WebhookException(500, "Internal error", e.toString())))
        .onSuccess(a -> {
          Delivery d = a.delivery();
          if (d == null) {
            String status = a.parsed() instanceof ParsedWebhook.Ignored i ? "ignored: " + i.reason() : "pong";
            answer(rc, 202, a.deliveryId(), status);
            return;
          }
          CompletableFuture<Void> confirmed;
          try {
            confirmed = publisher.publish(Map.of("provider", d.provider(), "delivery", d.deliveryId()),
                DeliveryHandler.encode(d));
          } catch (RuntimeException e) {
            confirmed = CompletableFuture.failedFuture(e);
          }
          confirmed.whenComplete((ok, err) -> ctx.runOnContext(x -> {
            if (err == null) {
              answer(rc, 202, d.deliveryId(), "accepted");
            } else {
              rc.response().putHeader("Retry-After", "5");
              problem(rc, new WebhookException(503, "Broker unavailable",
                  "the delivery was not stored; the VCS should send it again: " + err.getMessage()));
            }
          }));
        });
  }

  private WebhookIntake.Accepted verify(Provider provider, Map<String, String> headers, byte[] body) {
    try {
      return WebhookIntake.receive(provider, headers, body, secrets.forProvider(provider));
    } catch (WebhookException e) {
      if (e.status() == 401 && secrets.refresh()) {
        return WebhookIntake.receive(provider, headers, body, secrets.forProvider(provider));
      }
      throw e;
    }
  }

  private static void tooLarge(RoutingContext rc, long limit) {
    problem(rc, WebhookException.tooLarge(limit));
  }

  private static void answer(RoutingContext rc, int status, String delivery, String what) {
    if (rc.response().ended()) {
      return;
    }
    ObjectNode n = JSON.createObjectNode().put("delivery", delivery).put("status", what);
    rc.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(n.toString());
  }

  static void problem(RoutingContext rc, WebhookException e) {
    if (rc.response().ended()) {
      return;
    }
    ObjectNode n = JSON.createObjectNode().put("type", "about:blank").put("title", e.title())
        .put("status", e.status()).put("detail", e.getMessage());
    rc.response().setStatusCode(e.status()).putHeader("Content-Type", "application/problem+json").end(n.toString());
  }
}
