package dev.circlet.gateway.rest;

import dev.circlet.gateway.tokens.ApiTokens;
import dev.circlet.gateway.tokens.Scope;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An Organization's API tokens. Creating one needs an admin token of that organization or the
 * bootstrap secret; the token is in the answer to its creation and nowhere else, ever.
 */
@Path("/api/v1/organizations/{org}/tokens")
@Produces(MediaType.APPLICATION_JSON)
public class TokensResource {
  private static final Pattern ORGANIZATION = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

  private final ApiAuth auth;
  private final ApiTokens tokens;

  public TokensResource(ApiAuth auth, ApiTokens tokens) {
    this.auth = auth;
    this.tokens = tokens;
  }

  /** The body of a token creation. */
  public record CreateToken(String name, List<String> scopes) {}

  /** A token as listed, without the token. */
  public record TokenView(long id, String name, List<String> scopes, Instant createdAt, String createdBy,
      Instant lastUsedAt, Instant revokedAt) {
    static TokenView of(ApiTokens.TokenInfo t) {
      return new TokenView(t.id(), t.name(), t.scopes().stream().map(Scope::id).toList(), t.createdAt(),
          t.createdBy(), t.lastUsedAt(), t.revokedAt());
    }
  }

  /** The answer to a creation: the one time the token is shown. */
  public record CreatedToken(long id, String name, List<String> scopes, Instant createdAt, String token) {}

  /** The list of an organization's tokens. */
  public record TokenList(List<TokenView> items) {}

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  public Response create(@PathParam("org") String org, @HeaderParam("Authorization") String authorization,
      CreateToken body) {
    String creator = admin(org, authorization);
    if (body == null || body.name() == null || body.name().isBlank() || body.name().length() > 100) {
      throw ApiProblem.badRequest("name is required (1-100 characters)");
    }
    if (body.scopes() == null || body.scopes().isEmpty()) {
      throw ApiProblem.badRequest("scopes is required: a list of read, write, admin");
    }
    Set<Scope> scopes = EnumSet.noneOf(Scope.class);
    for (String s : body.scopes()) {
      try {
        scopes.add(Scope.parse(s));
      } catch (IllegalArgumentException e) {
        throw ApiProblem.badRequest(e.getMessage());
      }
    }
    ApiTokens.Created c = tokens.create(org, body.name().trim(), scopes, creator);
    return Response.status(201).entity(new CreatedToken(c.info().id(), c.info().name(),
        scopes.stream().map(Scope::id).toList(), c.info().createdAt(), c.token())).build();
  }

  @GET
  public TokenList list(@PathParam("org") String org, @HeaderParam("Authorization") String authorization) {
    admin(org, authorization);
    return new TokenList(tokens.list(org).stream().map(TokenView::of).toList());
  }

  @DELETE
  @Path("{id}")
  public Response revoke(@PathParam("org") String org, @PathParam("id") long id,
      @HeaderParam("Authorization") String authorization) {
    admin(org, authorization);
    if (!tokens.revoke(org, id)) {
      throw ApiProblem.notFound("organization " + org + " has no token " + id);
    }
    return Response.noContent().build();
  }

  /** Who may manage the organization's tokens: the bootstrap secret, or an admin token of that organization. */
  private String admin(String org, String authorization) {
    validOrganization(org);
    if (auth.isBootstrap(authorization)) {
      return "bootstrap";
    }
    ApiTokens.Holder holder = auth.require(authorization, Scope.READ);
    if (!holder.organization().equals(org)) {
      throw ApiProblem.notFound("no organization " + org);
    }
    if (!holder.allows(Scope.ADMIN)) {
      throw ApiProblem.forbidden("managing tokens needs the admin scope");
    }
    return "token " + holder.tokenId();
  }

  private static void validOrganization(String org) {
    if (!ORGANIZATION.matcher(org).matches()) {
      throw ApiProblem.badRequest("organization names are DNS labels");
    }
  }
}
