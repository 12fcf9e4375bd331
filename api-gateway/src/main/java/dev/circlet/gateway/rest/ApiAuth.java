package dev.circlet.gateway.rest;

import dev.circlet.gateway.history.HistoryException;
import dev.circlet.gateway.tokens.ApiTokens;
import dev.circlet.gateway.tokens.Scope;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

/**
 * Who calls the API: {@code Authorization: Bearer <token>} checked against the organization tokens
 * (401 when missing, unknown or revoked; 403 when the token's scopes do not cover the call; 503 with
 * Retry-After when PostgreSQL cannot be asked, since a token that cannot be looked up is not known
 * to be bad, and a 401 would tell clients to drop a valid token). The
 * bootstrap secret ({@code circlet.gateway.admin-token}) is accepted on the token endpoints only,
 * compared in constant time, so a platform admin can mint an Organization's first admin token. When
 * the operator configures sign-in by an authenticating proxy, a caller the proxy vouched for
 * ({@link ProxySignIn}) is accepted too, with the scopes the operator granted such users.
 */
public final class ApiAuth {
  private static final int MIN_BOOTSTRAP_LENGTH = 32;

  private final ApiTokens tokens;
  private final byte[] bootstrapHash;
  private final ProxySignIn proxy;

  public ApiAuth(ApiTokens tokens, Optional<String> bootstrapSecret) {
    this(tokens, bootstrapSecret, ProxySignIn.off());
  }

  public ApiAuth(ApiTokens tokens, Optional<String> bootstrapSecret, ProxySignIn proxy) {
    this.tokens = tokens;
    this.proxy = proxy;
    String secret = bootstrapSecret.map(String::trim).filter(s -> !s.isEmpty()).orElse(null);
    if (secret != null && secret.length() < MIN_BOOTSTRAP_LENGTH) {
      throw new IllegalArgumentException("circlet.gateway.admin-token must be at least " + MIN_BOOTSTRAP_LENGTH
          + " characters");
    }
    this.bootstrapHash = secret == null ? null : sha256(secret);
  }

  /** The holder of the request's token, if it covers {@code scope}. */
  public ApiTokens.Holder require(String authorization, Scope scope) {
    ApiTokens.Holder holder;
    if (ProxySignIn.isProxyCredential(authorization)) {
      holder = proxy.caller(authorization);
      if (holder == null) {
        throw ApiProblem.unauthorized("send Authorization: Bearer <token>");
      }
    } else {
      String token = bearer(authorization);
      try {
        holder = tokens.authenticate(token);
      } catch (HistoryException e) {
        throw ApiProblem.unavailable("the token could not be checked: the database did not answer; retry later");
      }
      if (holder == null) {
        throw ApiProblem.unauthorized("the bearer token is unknown or revoked");
      }
    }
    if (!holder.allows(scope)) {
      throw ApiProblem.forbidden("this token's scopes " + holder.scopes().stream().map(Scope::id).toList()
          + " do not include " + scope.id());
    }
    return holder;
  }

  /** Whether the request carries the bootstrap secret (never true when none is configured). */
  public boolean isBootstrap(String authorization) {
    String presented = bearerOrNull(authorization);
    return bootstrapHash != null && presented != null && MessageDigest.isEqual(bootstrapHash, sha256(presented));
  }

  private static String bearer(String authorization) {
    String token = bearerOrNull(authorization);
    if (token == null) {
      throw ApiProblem.unauthorized("send Authorization: Bearer <token>");
    }
    return token;
  }

  private static String bearerOrNull(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    String token = authorization.substring(7).trim();
    return token.isEmpty() ? null : token;
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
