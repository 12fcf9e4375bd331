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

  /**
   * The name and uid of the Secret a ServiceAccount token is bound to ({@code kubernetes.io.secret}),
   * or empty. Read only after a TokenReview accepted the token, so the claims are the API server's.
   */
  public static Optional<String[]> boundSecret(String token) {
    String[] parts = token.split("\\.");
    if (parts.length != 3) {
      return Optional.empty();
    }
    try {
      JsonNode secret = JSON.readTree(Base64.getUrlDecoder().decode(parts[1])).path("kubernetes.io").path("secret");
      String name = secret.path("name").asText("");
      String uid = secret.path("uid").asText("");
      return name.isEmpty() || uid.isEmpty() ? Optional.empty() : Optional.of(new String[] {name, uid});
    } catch (IllegalArgumentException | java.io.IOException e) {
      return Optional.empty();
    }
  }

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
