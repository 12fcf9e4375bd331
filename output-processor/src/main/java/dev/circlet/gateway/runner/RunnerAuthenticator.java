package dev.circlet.gateway.runner;

import io.grpc.Metadata;
import io.grpc.StatusException;

/**
 * Checks a runner's credentials from gRPC metadata; fails with UNAUTHENTICATED when they are
 * missing, wrong or expired, and PERMISSION_DENIED when they are valid but name no Build the
 * caller runs.
 */
@FunctionalInterface
public interface RunnerAuthenticator {
  Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  RunnerIdentity authenticate(Metadata headers) throws StatusException;

  /** The bearer token of the call, or UNAUTHENTICATED. */
  static String bearer(Metadata headers) throws StatusException {
    String h = headers.get(AUTHORIZATION);
    if (h == null || !h.regionMatches(true, 0, "Bearer ", 0, 7) || h.length() <= 7) {
      throw io.grpc.Status.UNAUTHENTICATED.withDescription("a bearer token is required").asException();
    }
    return h.substring(7).trim();
  }
}
