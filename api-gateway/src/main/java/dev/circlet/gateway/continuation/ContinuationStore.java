package dev.circlet.gateway.continuation;

import dev.circlet.gateway.history.HistoryException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import javax.sql.DataSource;

/**
 * Continuations in PostgreSQL: the installation's key secret, the runs that wait for a continuation,
 * and the one continuation each accepts. Accepting is one conditional {@code UPDATE}, so of two
 * concurrent continuations exactly one wins. Times come from the caller's clock.
 */
public final class ContinuationStore {
  private final DataSource dataSource;
  private volatile byte[] secret;

  public ContinuationStore(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** The secret continuation keys are derived with; created by the first replica that needs it. */
  public byte[] secret() {
    byte[] s = secret;
    if (s != null) {
      return s;
    }
    byte[] fresh = new byte[32];
    new SecureRandom().nextBytes(fresh);
    try (Connection c = dataSource.getConnection()) {
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO gateway_secret (name, value) VALUES ('continuation', ?) ON CONFLICT (name) DO NOTHING")) {
        ps.setBytes(1, fresh);
        ps.executeUpdate();
      }
      try (PreparedStatement ps = c.prepareStatement("SELECT value FROM gateway_secret WHERE name = 'continuation'");
          ResultSet rs = ps.executeQuery()) {
        rs.next();
        secret = rs.getBytes(1);
        return secret;
      }
    } catch (SQLException e) {
      throw new HistoryException("reading the continuation secret", e);
    }
  }

  /** Records that run {@code runId} waits for a continuation until {@code expiresAt} (once; a redelivery keeps the first). */
  public void open(long runId, Instant expiresAt) {
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
        "INSERT INTO pipeline_continuation (run_id, expires_at, status) VALUES (?, ?, 'waiting')"
            + " ON CONFLICT (run_id) DO NOTHING")) {
      ps.setLong(1, runId);
      ps.setTimestamp(2, Timestamp.from(expiresAt));
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new HistoryException("recording the continuation of run " + runId, e);
    }
  }

  /** A continuation's state, with the run it continues. */
  public record Waiting(long runId, String status, Instant expiresAt, String namespace, String pipeline, long number,
      String runKey, String triggerSource, String branch, String tag, String revision, String actor,
      String[] workflows, String configuration, String parameters) {}

  /** The continuation of run {@code runId}, or null when the run waits for none. */
  public Waiting get(long runId) {
    String sql = """
        SELECT c.run_id, c.status, c.expires_at, r.namespace, r.pipeline, r.number, r.run_key, r.trigger_source,
               r.branch, r.tag, r.revision, r.actor, r.workflows, c.configuration, c.parameters
        FROM pipeline_continuation c JOIN pipeline_run r ON r.id = c.run_id WHERE c.run_id = ?""";
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setLong(1, runId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        java.sql.Array wf = rs.getArray(13);
        return new Waiting(rs.getLong(1), rs.getString(2), rs.getTimestamp(3).toInstant(), rs.getString(4),
            rs.getString(5), rs.getLong(6), rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10),
            rs.getString(11), rs.getString(12), wf == null ? new String[0] : (String[]) wf.getArray(),
            rs.getString(14), rs.getString(15));
      }
    } catch (SQLException e) {
      throw new HistoryException("reading the continuation of run " + runId, e);
    }
  }

  /**
   * Accepts the continuation of a waiting, unexpired run: true for exactly one caller. The others
   * read {@link #get} to learn why not (continued already, expired, ended).
   */
  public boolean accept(long runId, String configuration, String parameters, Instant now) {
    return update("UPDATE pipeline_continuation SET status = 'continued', configuration = ?, parameters = ?,"
        + " continued_at = ? WHERE run_id = ? AND status = 'waiting' AND expires_at > ?",
        configuration, parameters, Timestamp.from(now), runId, Timestamp.from(now)) == 1;
  }

  /** Gives an accepted continuation back when it could not be queued, so the job may try again. */
  public void reopen(long runId) {
    update("UPDATE pipeline_continuation SET status = 'waiting', configuration = NULL, parameters = NULL,"
        + " continued_at = NULL WHERE run_id = ? AND status = 'continued'", runId);
  }

  /** Marks a continuation whose Workflows exist. */
  public void done(long runId) {
    update("UPDATE pipeline_continuation SET status = 'done' WHERE run_id = ?", runId);
  }

  /** Ends a run whose setup workflow finished without continuing; true when it was still waiting. */
  public boolean end(long runId) {
    return update("UPDATE pipeline_continuation SET status = 'ended' WHERE run_id = ? AND status = 'waiting'",
        runId) == 1;
  }

  private int update(String sql, Object... args) {
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      return ps.executeUpdate();
    } catch (SQLException e) {
      throw new HistoryException("updating a continuation", e);
    }
  }
}
