package dev.circlet.gateway.runner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Base64;
import java.util.Optional;

/**
 * Reads the expiry of a JWT without trusting it: only to bound how long a TokenReview's answer is
 * cached, never to accept a token (the API server verifies it).
 */
public final class JwtClaims {
  private static final ObjectMapper JSON = new ObjectMapper();

  private JwtClaims() {}

  /** The {@code exp} claim in milliseconds, or empty when the token is no JWT or has none. */
  public static Optional<Long> expiryMillis(String token) {
    String[] parts = token.split("\\.");
    if (parts.length != 3) {
      return Optional.empty();
    }
    try {
      JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
      JsonNode exp = claims.get("exp");
      return exp != null && exp.canConvertToLong() ? Optional.of(exp.asLong() * 1000) : Optional.empty();
    } catch (IllegalArgumentException | java.io.IOException e) {
      return Optional.empty();
    }
  }
}
