package dev.circlet.gateway.rest;

import dev.circlet.gateway.history.HistoryQueries;
import dev.circlet.gateway.tokens.ApiTokens;
import dev.circlet.gateway.tokens.Scope;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/**
 * The caller's Organization's history from PostgreSQL, newest first, in pages: {@code limit}
 * (default 20, at most 100) and an opaque {@code cursor}; each page names the next one.
 */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
public class HistoryResource {
  private final ApiAuth auth;
  private final HistoryQueries history;

  public HistoryResource(ApiAuth auth, HistoryQueries history) {
    this.auth = auth;
    this.history = history;
  }

  /** A page: the items, and the link to the next page (null on the last). */
  public record Page<T>(List<T> items, String next) {}

  @GET
  @Path("runs")
  public Page<HistoryQueries.RunRecord> runs(@HeaderParam("Authorization") String authorization,
      @QueryParam("limit") Integer limit, @QueryParam("cursor") String cursor) {
    ApiTokens.Holder caller = auth.require(authorization, Scope.READ);
    int n = Cursors.limit(limit);
    HistoryQueries.Page<HistoryQueries.RunRecord> p = history.runs(caller.organization(), Cursors.decode("r", cursor), n);
    return new Page<>(p.items(), next("/api/v1/runs", "r", p.next(), n));
  }

  @GET
  @Path("deliveries")
  public Page<HistoryQueries.DeliveryRecord> deliveries(@HeaderParam("Authorization") String authorization,
      @QueryParam("limit") Integer limit, @QueryParam("cursor") String cursor) {
    ApiTokens.Holder caller = auth.require(authorization, Scope.READ);
    int n = Cursors.limit(limit);
    HistoryQueries.Page<HistoryQueries.DeliveryRecord> p =
        history.deliveries(caller.organization(), Cursors.decode("d", cursor), n);
    return new Page<>(p.items(), next("/api/v1/deliveries", "d", p.next(), n));
  }

  private static String next(String path, String kind, Long key, int limit) {
    return key == null ? null : path + "?limit=" + limit + "&cursor=" + Cursors.encode(kind, key);
  }
}
