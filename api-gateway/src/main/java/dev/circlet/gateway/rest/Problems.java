package dev.circlet.gateway.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.circlet.gateway.history.HistoryException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Every error of the REST API as {@code application/problem+json} (RFC 9457: type, title, status,
 * detail). Unexpected errors are logged with their stack trace under a reference that the answer
 * names; the answer itself never carries the exception.
 */
public final class Problems {
  public static final String MEDIA_TYPE = "application/problem+json";
  /** How long a 503's caller waits before trying again. */
  public static final String RETRY_AFTER_SECONDS = "5";
  private static final Logger LOG = Logger.getLogger(Problems.class.getName());

  /** The problem document. */
  public static Response response(int status, String title, String detail) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", "about:blank");
    body.put("title", title);
    body.put("status", status);
    body.put("detail", detail);
    Response.ResponseBuilder r = Response.status(status).type(MEDIA_TYPE).entity(body);
    if (status == 401) {
      r.header("WWW-Authenticate", "Bearer realm=\"circlet\"");
    }
    if (status == 503) {
      r.header("Retry-After", RETRY_AFTER_SECONDS);
    }
    return r.build();
  }

  @ServerExceptionMapper
  public Response problem(ApiProblem e) {
    return response(e.status(), e.title(), e.getMessage());
  }

  @ServerExceptionMapper
  public Response web(WebApplicationException e) {
    int status = e.getResponse().getStatus();
    Response.Status.Family family = Response.Status.Family.familyOf(status);
    if (family == Response.Status.Family.SERVER_ERROR) {
      return unexpected(e);
    }
    Response.StatusType type = Response.Status.fromStatusCode(status);
    return response(status, type == null ? "Error" : type.getReasonPhrase(), e.getMessage());
  }

  @ServerExceptionMapper
  public Response json(JsonProcessingException e) {
    return response(400, "Bad request", "the body is not the JSON this endpoint takes: " + e.getOriginalMessage());
  }

  @ServerExceptionMapper
  public Response history(HistoryException e) {
    String ref = UUID.randomUUID().toString();
    LOG.log(Level.WARNING, "history unavailable (reference " + ref + ")", e);
    return response(503, "History unavailable", "the history database did not answer; reference " + ref);
  }

  @ServerExceptionMapper
  public Response unexpected(Throwable e) {
    String ref = UUID.randomUUID().toString();
    LOG.log(Level.SEVERE, "unexpected error (reference " + ref + ")", e);
    return response(500, "Internal error", "an unexpected error occurred; reference " + ref);
  }
}
