package dev.circlet.gateway.rest;

/** An API error answered as {@code application/problem+json}: status, title and a detail for the caller. */
public final class ApiProblem extends RuntimeException {
  private final int status;
  private final String title;

  public ApiProblem(int status, String title, String detail) {
    super(detail);
    this.status = status;
    this.title = title;
  }

  public static ApiProblem badRequest(String detail) {
    return new ApiProblem(400, "Bad request", detail);
  }

  public static ApiProblem unauthorized(String detail) {
    return new ApiProblem(401, "Unauthorized", detail);
  }

  public static ApiProblem forbidden(String detail) {
    return new ApiProblem(403, "Forbidden", detail);
  }

  /** Also the answer for another organization's objects: their existence is not revealed. */
  public static ApiProblem notFound(String detail) {
    return new ApiProblem(404, "Not found", detail);
  }

  /** A dependency (the database) did not answer; answered with Retry-After, the caller tries again. */
  public static ApiProblem unavailable(String detail) {
    return new ApiProblem(503, "Service unavailable", detail);
  }

  public int status() {
    return status;
  }

  public String title() {
    return title;
  }
}
