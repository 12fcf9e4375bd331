package dev.circlet.gateway.rest;

import dev.circlet.gateway.history.HistoryException;
import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Authorizes a log tail before the WebSocket upgrade, with the same rules and answers as the REST
 * reads: 401 without a valid token, 403 without read scope, 404 for a Build of another organization,
 * 400 for an offset that is not a byte offset, 503 with Retry-After while PostgreSQL does not answer.
 * The check reads PostgreSQL and the API server, so it runs on a worker thread.
 */
@ApplicationScoped
public class LogTailUpgradeCheck implements HttpUpgradeCheck {
  private static final Pattern OFFSET = Pattern.compile("\\d{1,18}");

  private final BuildAccess access;

  public LogTailUpgradeCheck(BuildAccess access) {
    this.access = access;
  }

  @Override
  public boolean appliesTo(String endpointId) {
    return LogTailSocket.ID.equals(endpointId);
  }

  @Override
  public Uni<CheckResult> perform(HttpUpgradeContext context) {
    return Uni.createFrom().item(() -> check(context)).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
  }

  private CheckResult check(HttpUpgradeContext context) {
    HttpServerRequest request = context.httpRequest();
    try {
      access.readableStep(request.getHeader("Authorization"), context.pathParam("namespace"),
          context.pathParam("build"), context.pathParam("step"));
      String offset = request.getParam("offset");
      if (offset != null && !OFFSET.matcher(offset).matches()) {
        throw ApiProblem.badRequest("offset is a byte offset");
      }
      context.userData().put(LogTailSocket.OFFSET, offset == null ? 0L : Long.parseLong(offset));
      return CheckResult.permitUpgradeSync();
    } catch (HistoryException e) {
      return reject(ApiProblem.unavailable("the history database did not answer"));
    } catch (ApiProblem p) {
      return reject(p);
    }
  }

  private static CheckResult reject(ApiProblem p) {
    Map<String, List<String>> headers = switch (p.status()) {
      case 401 -> Map.of("WWW-Authenticate", List.of("Bearer"));
      case 503 -> Map.of("Retry-After", List.of(Problems.RETRY_AFTER_SECONDS));
      default -> Map.of();
    };
    return CheckResult.rejectUpgradeSync(p.status(), headers);
  }
}
