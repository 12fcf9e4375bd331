package dev.circlet.gateway.vcs;

/**
 * What authenticates status calls, from the Secret a Pipeline names in
 * {@code spec.repository.statusSecretRef}.
 *
 * @param id identifies the credential (namespace/Secret) for its rate limiter and circuit breaker
 * @param username set for Bitbucket app passwords (basic authentication); null for bearer tokens
 * @param apiUrl the API's base URL when not the provider's public one (self-hosted), else null
 */
public record StatusCredentials(String id, String token, String username, String apiUrl) {
  @Override
  public String toString() {
    return "StatusCredentials[" + id + "]";
  }
}
