package dev.circlet.gateway.vcs;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * Sends commit statuses with the manners a VCS API expects: a token bucket per credential (one
 * installation's statuses never starve another's), retries of 5xx, 429 and I/O failures with
 * exponential backoff (honouring {@code Retry-After}), and a circuit breaker per credential that
 * stops calling an API that keeps failing. A 4xx other than 429 is the request's fault and is not
 * retried. Calls go only to the API hosts the platform allows: a Pipeline's repository URL and its
 * Secret's {@code api-url} are a tenant's to choose, and must not aim the gateway's requests at
 * services inside the cluster.
 */
public final class StatusSender {
  private static final Logger LOG = Logger.getLogger(StatusSender.class.getName());

  /** Waits; tests advance a fake clock instead. */
  public interface Sleeper {
    void sleep(Duration d) throws InterruptedException;
  }

  /** How a status call ended. */
  public enum Result { SENT, REJECTED, FAILED, CIRCUIT_OPEN }

  /** Retry, rate and breaker settings. */
  public record Policy(int maxAttempts, Duration firstBackoff, Duration maxBackoff, double perSecond, int burst,
      int breakerThreshold, Duration breakerCooldown, Duration timeout) {
    public static final Policy DEFAULT = new Policy(5, Duration.ofSeconds(1), Duration.ofSeconds(30), 5, 20, 5,
        Duration.ofMinutes(1), Duration.ofSeconds(10));
  }

  private record Guard(RateLimiter limiter, CircuitBreaker breaker) {}

  private final HttpClient http;
  private final Clock clock;
  private final Sleeper sleeper;
  private final Policy policy;
  private final Map<String, Guard> guards = new ConcurrentHashMap<>();
  private final Set<String> apiHosts;

  /** @param apiHosts the hosts (host or host:port, lower case) status calls may go to */
  public StatusSender(HttpClient http, Clock clock, Sleeper sleeper, Policy policy, Set<String> apiHosts) {
    this.http = http;
    this.apiHosts = Set.copyOf(apiHosts);
    this.clock = clock;
    this.sleeper = sleeper;
    this.policy = policy;
  }

  /** The breaker of a credential, for the record. */
  public CircuitBreaker.State breaker(String credentialId) {
    Guard g = guards.get(credentialId);
    return g == null ? CircuitBreaker.State.CLOSED : g.breaker().state();
  }

  public Result send(CommitStatus status, StatusCredentials credentials) throws InterruptedException {
    StatusCall call = StatusRequests.call(status, credentials);
    URI uri = URI.create(call.uri());
    String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
    if (!apiHosts.contains(host) && !apiHosts.contains(host + ":" + uri.getPort())) {
      LOG.warning("commit status for " + status.repositoryPath() + " not sent: the API host " + host + (uri.getPort() < 0
          ? "" : ":" + uri.getPort()) + " is not in circlet.gateway.status.api-hosts");
      return Result.REJECTED;
    }
    Guard g = guards.computeIfAbsent(credentials.id(), id -> new Guard(
        new RateLimiter(policy.perSecond(), policy.burst(), clock),
        new CircuitBreaker(policy.breakerThreshold(), policy.breakerCooldown(), clock)));
    String what = status.provider() + " " + status.repositoryPath() + "@" + status.revision() + " "
        + status.context() + "=" + status.state();
    for (int attempt = 1; ; attempt++) {
      if (!g.breaker().allow()) {
        LOG.warning("commit status " + what + " not sent: the circuit of " + credentials.id() + " is open");
        return Result.CIRCUIT_OPEN;
      }
      sleeper.sleep(g.limiter().reserve());
      Duration retryAfter = Duration.ZERO;
      String failure;
      try {
        HttpResponse<String> r = http.send(request(call), HttpResponse.BodyHandlers.ofString());
        int code = r.statusCode();
        if (code / 100 == 2) {
          g.breaker().success();
          return Result.SENT;
        }
        if (code != 429 && code / 100 == 4) {
          // The API answered: it is up, the request is wrong (token, repository, revision).
          g.breaker().success();
          LOG.warning("commit status " + what + " refused: HTTP " + code + " " + abbreviate(r.body()));
          return Result.REJECTED;
        }
        failure = "HTTP " + code;
        retryAfter = r.headers().firstValue("Retry-After").map(StatusSender::seconds).orElse(Duration.ZERO);
      } catch (IOException e) {
        failure = e.toString();
      }
      g.breaker().failure();
      if (attempt >= policy.maxAttempts()) {
        LOG.warning("commit status " + what + " failed after " + attempt + " attempts: " + failure);
        return Result.FAILED;
      }
      sleeper.sleep(max(backoff(attempt), retryAfter));
    }
  }

  /** The pause after failed attempt {@code n}: the first backoff doubled per attempt, capped. */
  Duration backoff(int n) {
    Duration d = policy.firstBackoff().multipliedBy(1L << Math.min(n - 1, 20));
    return d.compareTo(policy.maxBackoff()) > 0 ? policy.maxBackoff() : d;
  }

  private Duration max(Duration a, Duration b) {
    Duration m = a.compareTo(b) >= 0 ? a : b;
    return m.compareTo(policy.maxBackoff()) > 0 ? policy.maxBackoff() : m;
  }

  private HttpRequest request(StatusCall call) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(call.uri())).timeout(policy.timeout())
        .method(call.method(), HttpRequest.BodyPublishers.ofString(call.body()));
    call.headers().forEach(b::header);
    return b.build();
  }

  private static Duration seconds(String value) {
    try {
      return Duration.ofSeconds(Math.max(0, Long.parseLong(value.strip())));
    } catch (NumberFormatException e) {
      return Duration.ZERO;
    }
  }

  private static String abbreviate(String body) {
    return body == null ? "" : body.length() > 200 ? body.substring(0, 200) + "…" : body;
  }
}
