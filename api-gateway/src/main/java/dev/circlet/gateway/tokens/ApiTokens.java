package dev.circlet.gateway.tokens;

import dev.circlet.gateway.history.HistoryException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * API tokens of Organizations in PostgreSQL. A token is {@code circlet_} and 256 random bits
 * (base64url); only its SHA-256 is stored, so the database never holds a usable token and the
 * token is shown once, when it is created. A slow password hash would add nothing: a 256-bit random
 * value cannot be guessed from its hash, there is no dictionary to try. Revocation takes effect on
 * the next request (every request reads the row); the last-used time is written at most once a
 * {@code lastUsedResolution} per token, so busy tokens cost a read, not a write, per request.
 */
public final class ApiTokens {
  public static final String PREFIX = "circlet_";
  private static final Pattern SHAPE = Pattern.compile(PREFIX + "[A-Za-z0-9_-]{43}");
  private static final SecureRandom RANDOM = new SecureRandom();

  private final DataSource dataSource;
  private final Clock clock;
  private final Duration lastUsedResolution;

  public ApiTokens(DataSource dataSource, Clock clock, Duration lastUsedResolution) {
    this.dataSource = dataSource;
    this.clock = clock;
    this.lastUsedResolution = lastUsedResolution;
  }

  /** A token as listed: never the token itself. */
  public record TokenInfo(long id, String organization, String name, Set<Scope> scopes, Instant createdAt,
      String createdBy, Instant lastUsedAt, Instant revokedAt) {}

  /** A token just created: the only time {@code token} is known. */
  public record Created(TokenInfo info, String token) {}

  /** Who presented a valid token: its organization, scopes and id. */
  public record Holder(long tokenId, String organization, String name, Set<Scope> scopes) {
    public boolean allows(Scope required) {
      return scopes.stream().anyMatch(s -> s.covers(required));
    }
  }

  public Created create(String organization, String name, Set<Scope> scopes, String createdBy) {
    if (scopes.isEmpty()) {
      throw new IllegalArgumentException("a token needs at least one scope");
    }
    byte[] secret = new byte[32];
    RANDOM.nextBytes(secret);
    String token = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    String sql = "INSERT INTO api_token (organization, name, scopes, token_hash, created_by, created_at)"
        + " VALUES (?, ?, ?, ?, ?, ?)";
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS)) {
      Instant now = clock.instant();
      ps.setString(1, organization);
      ps.setString(2, name);
      ps.setArray(3, c.createArrayOf("text", scopes.stream().map(Scope::id).toArray()));
      ps.setBytes(4, hash(token));
      ps.setString(5, createdBy);
      ps.setTimestamp(6, Timestamp.from(now));
      ps.executeUpdate();
      try (ResultSet rs = ps.getGeneratedKeys()) {
        rs.next();
        long id = rs.getLong("id");
        return new Created(new TokenInfo(id, organization, name, EnumSet.copyOf(scopes), now, createdBy, null, null),
            token);
      }
    } catch (SQLException e) {
      throw new HistoryException("creating a token of " + organization, e);
    }
  }

  /** The holder of {@code token}, or null when it is malformed, unknown or revoked. */
  public Holder authenticate(String token) {
    if (token == null || !SHAPE.matcher(token).matches()) {
      return null;
    }
    String sql = "SELECT id, organization, name, scopes, last_used_at FROM api_token"
        + " WHERE token_hash = ? AND revoked_at IS NULL";
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setBytes(1, hash(token));
      Holder holder;
      Timestamp lastUsed;
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        holder = new Holder(rs.getLong(1), rs.getString(2), rs.getString(3), scopes(rs.getArray(4)));
        lastUsed = rs.getTimestamp(5);
      }
      Instant now = clock.instant();
      if (lastUsed == null || lastUsed.toInstant().plus(lastUsedResolution).isBefore(now)) {
        // The condition is repeated in SQL so replicas racing on one token write once per period.
        try (PreparedStatement up = c.prepareStatement("UPDATE api_token SET last_used_at = ? WHERE id = ?"
            + " AND (last_used_at IS NULL OR last_used_at < ?)")) {
          up.setTimestamp(1, Timestamp.from(now));
          up.setLong(2, holder.tokenId());
          up.setTimestamp(3, Timestamp.from(now.minus(lastUsedResolution)));
          up.executeUpdate();
        }
      }
      return holder;
    } catch (SQLException e) {
      throw new HistoryException("checking a token", e);
    }
  }

  /** The organization's tokens, newest first, revoked ones included. */
  public List<TokenInfo> list(String organization) {
    String sql = "SELECT id, organization, name, scopes, created_at, created_by, last_used_at, revoked_at"
        + " FROM api_token WHERE organization = ? ORDER BY id DESC";
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, organization);
      List<TokenInfo> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new TokenInfo(rs.getLong(1), rs.getString(2), rs.getString(3), scopes(rs.getArray(4)),
              instant(rs.getTimestamp(5)), rs.getString(6), instant(rs.getTimestamp(7)),
              instant(rs.getTimestamp(8))));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new HistoryException("listing tokens of " + organization, e);
    }
  }

  /** Revokes a token of {@code organization}; false when it has no such token (another's id is no token). */
  public boolean revoke(String organization, long id) {
    String sql = "UPDATE api_token SET revoked_at = coalesce(revoked_at, ?) WHERE id = ? AND organization = ?";
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setTimestamp(1, Timestamp.from(clock.instant()));
      ps.setLong(2, id);
      ps.setString(3, organization);
      return ps.executeUpdate() == 1;
    } catch (SQLException e) {
      throw new HistoryException("revoking token " + id, e);
    }
  }

  static byte[] hash(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Set<Scope> scopes(Array a) throws SQLException {
    Set<Scope> out = EnumSet.noneOf(Scope.class);
    for (String s : (String[]) a.getArray()) {
      out.add(Scope.parse(s));
    }
    return out;
  }

  private static Instant instant(Timestamp t) {
    return t == null ? null : t.toInstant();
  }
}
