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
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.AbstractMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The HTTP edge of webhooks: {@code POST /webhooks/{github|gitlab|bitbucket}}. Reads the body as it
 * streams in and answers 413 as soon as it passes the provider's limit (the rest is never
 * buffered), verifies the signature on the raw bytes and then parses (on the event loop for bodies
 * up to {@link #INLINE_BYTES}, on a worker thread for larger ones), publishes, and answers 202 only after the
 * broker confirmed the message; 503 when it did not. Errors are {@code application/problem+json}.
 */
public final class WebhookEndpoint {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Bodies up to this size are verified and parsed on the event loop; larger ones on a worker thread. */
  static final int INLINE_BYTES = 64 * 1024;

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
    MultiMap requestHeaders = rc.request().headers();
    if (body.length <= INLINE_BYTES && secrets.current()) {
      // A small body is verified and parsed here on the event loop: that takes microseconds, less
      // than the hop to a worker thread and back. The signature is still checked before parsing.
      WebhookIntake.Accepted a;
      try {
        a = WebhookIntake.receive(provider, lowerCaseView(requestHeaders), body, secrets.forProvider(provider));
      } catch (WebhookException e) {
        if (e.status() == 401) {
          onWorker(rc, provider, requestHeaders, body); // may reload the secrets, which blocks
        } else {
          problem(rc, e);
        }
        return;
      } catch (RuntimeException e) {
        problem(rc, new WebhookException(500, "Internal error", e.toString()));
        return;
      }
      publish(rc, a);
      return;
    }
    onWorker(rc, provider, requestHeaders, body);
  }

  /** Verifies and parses on a worker thread (large bodies, or secrets that must be loaded first). */
  private void onWorker(RoutingContext rc, Provider provider, MultiMap requestHeaders, byte[] body) {
    Map<String, String> headers = new HashMap<>();
    requestHeaders.forEach(h -> headers.putIfAbsent(h.getKey().toLowerCase(Locale.ROOT), h.getValue()));
    vertx.<WebhookIntake.Accepted>executeBlocking(() -> verify(provider, headers, body), false)
        .onFailure(e -> problem(rc, e instanceof WebhookException w ? w
            : new WebhookException(500, "Internal error", e.toString())))
        .onSuccess(a -> publish(rc, a));
  }

  /** Publishes the delivery and answers 202 once the broker confirmed it, 503 when it did not. */
  private void publish(RoutingContext rc, WebhookIntake.Accepted a) {
    Delivery d = a.delivery();
    if (d == null) {
      String status = a.parsed() instanceof ParsedWebhook.Ignored i ? "ignored: " + i.reason() : "pong";
      answer(rc, 202, a.deliveryId(), status);
      return;
    }
    Context ctx = vertx.getOrCreateContext();
    if (!publisher.connected() && Context.isOnEventLoopThread()) {
      // No channel: this publish connects first, which blocks (up to the connect timeout).
      vertx.executeBlocking(() -> {
        publish(rc, ctx, d);
        return null;
      }, false);
      return;
    }
    publish(rc, ctx, d);
  }

  private void publish(RoutingContext rc, Context ctx, Delivery d) {
    CompletableFuture<Void> confirmed;
    try {
      confirmed = publisher.publish(Map.of("provider", d.provider(), "delivery", d.deliveryId()),
          DeliveryHandler.encode(d));
    } catch (RuntimeException e) {
      confirmed = CompletableFuture.failedFuture(e);
    }
    confirmed.whenComplete((ok, err) -> ctx.runOnContext(x -> {
      if (err == null) {
        accepted(rc, d.deliveryId());
      } else {
        rc.response().putHeader("Retry-After", "5");
        problem(rc, new WebhookException(503, "Broker unavailable",
            "the delivery was not stored; the VCS should send it again: " + err.getMessage()));
      }
    }));
  }

  /** The request's headers by lower-case name (first value), read in place: Vert.x headers ignore case. */
  static Map<String, String> lowerCaseView(MultiMap headers) {
    return new AbstractMap<>() {
      @Override
      public String get(Object key) {
        return key instanceof String k ? headers.get(k) : null;
      }

      @Override
      public boolean containsKey(Object key) {
        return key instanceof String k && headers.contains(k);
      }

      @Override
      public Set<Entry<String, String>> entrySet() {
        Map<String, String> copy = new LinkedHashMap<>();
        headers.forEach(h -> copy.putIfAbsent(h.getKey().toLowerCase(Locale.ROOT), h.getValue()));
        return copy.entrySet();
      }
    };
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

  private static void accepted(RoutingContext rc, String delivery) {
    if (rc.response().ended()) {
      return;
    }
    // The delivery id is 1-200 of [A-Za-z0-9._:{}-] (checked on intake): nothing to escape.
    rc.response().setStatusCode(202).putHeader("Content-Type", "application/json")
        .end("{\"delivery\":\"" + delivery + "\",\"status\":\"accepted\"}");
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
