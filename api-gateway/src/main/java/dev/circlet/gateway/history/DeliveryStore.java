package dev.circlet.gateway.history;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Delivery and pipeline-run records in PostgreSQL: the idempotency key of deliveries, the gap-free
 * pipeline numbers, and why a delivery created what it did (or nothing). Every method is one
 * short transaction; uniqueness is enforced by constraints, not by checks in Java, so two
 * consumers racing on the same delivery cannot both allocate a number.
 */
public final class DeliveryStore {
  private final DataSource dataSource;

  public DeliveryStore(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** A delivery's status after {@link #begin}. */
  public record DeliveryState(String status, int attempts) {
    public boolean finished() {
      return "created".equals(status) || "nothing".equals(status);
    }
  }

  /** A pipeline run: its number and how far it got. */
  public record Run(long id, String namespace, String pipeline, long number, String status, String reason,
      List<String> workflows) {}

  /** Records a delivery as being processed, or counts another attempt of a known one. */
  public DeliveryState begin(String provider, String deliveryId, String eventType) {
    String sql = """
        INSERT INTO webhook_delivery (provider, delivery_id, event_type, status)
        VALUES (?, ?, ?, 'processing')
        ON CONFLICT (provider, delivery_id) DO UPDATE
          SET attempts = webhook_delivery.attempts + 1, updated_at = now()
        RETURNING status, attempts""";
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, provider);
      ps.setString(2, deliveryId);
      ps.setString(3, eventType);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return new DeliveryState(rs.getString(1), rs.getInt(2));
      }
    } catch (SQLException e) {
      throw new HistoryException("recording delivery " + provider + "/" + deliveryId, e);
    }
  }

  /**
   * Records the outcome of a delivery: created, nothing (with the reason) or failed (with the error).
   * A finished delivery stays finished: a late failure report of an attempt that lost its
   * connection never overwrites the outcome of the redelivery that completed.
   */
  public void finish(String provider, String deliveryId, String status, String reason) {
    update("UPDATE webhook_delivery SET status = ?, reason = ?, updated_at = now()"
        + " WHERE provider = ? AND delivery_id = ? AND status NOT IN ('created', 'nothing')",
        status, reason, provider, deliveryId);
  }

  /** The delivery's status and reason, or null when it was never recorded. */
  public String[] delivery(String provider, String deliveryId) {
    String sql = "SELECT status, reason FROM webhook_delivery WHERE provider = ? AND delivery_id = ?";
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, provider);
      ps.setString(2, deliveryId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? new String[] {rs.getString(1), rs.getString(2)} : null;
      }
    } catch (SQLException e) {
      throw new HistoryException("reading delivery " + provider + "/" + deliveryId, e);
    }
  }

  /** What a new run records about its trigger. */
  public record RunRequest(String namespace, String pipeline, String runKey, String provider, String deliveryId,
      String triggerSource, String branch, String tag, String revision, String actor, String organization,
      String commitSubject, String commitAuthorName, String commitAuthorEmail, Integer prNumber) {
    /** A run whose trigger names no commit details (an API trigger). */
    public RunRequest(String namespace, String pipeline, String runKey, String provider, String deliveryId,
        String triggerSource, String branch, String tag, String revision, String actor, String organization) {
      this(namespace, pipeline, runKey, provider, deliveryId, triggerSource, branch, tag, revision, actor,
          organization, null, null, null, null);
    }
  }

  /**
   * The run for {@code request.runKey()}: the existing one, or a new one with the Pipeline's next
   * number. The counter update and the insert commit together; when another consumer inserted the
   * same key first, this transaction rolls back (returning its number to the counter) and the
   * other's run is returned.
   */
  public Run allocate(RunRequest r) {
    Run existing = run(r.runKey());
    if (existing != null) {
      return existing;
    }
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        long number;
        try (PreparedStatement ps = c.prepareStatement("""
            INSERT INTO pipeline_counter (namespace, pipeline, last_number) VALUES (?, ?, 1)
            ON CONFLICT (namespace, pipeline) DO UPDATE SET last_number = pipeline_counter.last_number + 1
            RETURNING last_number""")) {
          ps.setString(1, r.namespace());
          ps.setString(2, r.pipeline());
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            number = rs.getLong(1);
          }
        }
        try (PreparedStatement ps = c.prepareStatement("""
            INSERT INTO pipeline_run (namespace, pipeline, number, run_key, provider, delivery_id, trigger_source,
              branch, tag, revision, actor, organization, commit_subject, commit_author_name, commit_author_email,
              pr_number, status)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending')
            ON CONFLICT (run_key) DO NOTHING""")) {
          ps.setString(1, r.namespace());
          ps.setString(2, r.pipeline());
          ps.setLong(3, number);
          ps.setString(4, r.runKey());
          ps.setString(5, r.provider());
          ps.setString(6, r.deliveryId());
          ps.setString(7, r.triggerSource());
          ps.setString(8, r.branch());
          ps.setString(9, r.tag());
          ps.setString(10, r.revision());
          ps.setString(11, r.actor());
          ps.setString(12, r.organization());
          ps.setString(13, r.commitSubject());
          ps.setString(14, r.commitAuthorName());
          ps.setString(15, r.commitAuthorEmail());
          ps.setObject(16, r.prNumber(), java.sql.Types.INTEGER);
          if (ps.executeUpdate() == 0) {
            c.rollback();
            return run(r.runKey());
          }
        }
        c.commit();
      } catch (SQLException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new HistoryException("allocating a pipeline number for " + r.namespace() + "/" + r.pipeline(), e);
    }
    return run(r.runKey());
  }

  /** Records what a run created, or why it created nothing. */
  public void finishRun(long id, String status, String reason, List<String> workflows) {
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
        "UPDATE pipeline_run SET status = ?, reason = ?, workflows = ?, updated_at = now() WHERE id = ?")) {
      ps.setString(1, status);
      ps.setString(2, reason);
      ps.setArray(3, c.createArrayOf("text", workflows.toArray()));
      ps.setLong(4, id);
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new HistoryException("recording run " + id, e);
    }
  }

  /** Adds Workflows to a finished run (a continuation's); adding the same name again changes nothing. */
  public void addWorkflows(long id, List<String> workflows) {
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
        "UPDATE pipeline_run SET workflows = workflows || ARRAY(SELECT x FROM unnest(?::text[]) x"
            + " WHERE x <> ALL (workflows)), updated_at = now() WHERE id = ?")) {
      ps.setArray(1, c.createArrayOf("text", workflows.toArray()));
      ps.setLong(2, id);
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new HistoryException("recording run " + id, e);
    }
  }

  /** Records that a created run ended early ({@code status}, with why); a run in any other state keeps it. */
  public void endRun(long id, String status, String reason) {
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
        "UPDATE pipeline_run SET status = ?, reason = ?, updated_at = now() WHERE id = ? AND status = 'created'")) {
      ps.setString(1, status);
      ps.setString(2, reason);
      ps.setLong(3, id);
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new HistoryException("recording run " + id, e);
    }
  }

  /**
   * Records why a run that is still pending will never be processed (its trigger was not queued).
   * A run the consumer already finished keeps its outcome.
   */
  public void abandonRun(long id, String reason) {
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
        "UPDATE pipeline_run SET status = 'failed', reason = ?, updated_at = now() WHERE id = ? AND status = 'pending'")) {
      ps.setString(1, reason);
      ps.setLong(2, id);
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new HistoryException("recording run " + id, e);
    }
  }

  public Run run(String runKey) {
    List<Run> runs = query("SELECT id, namespace, pipeline, number, status, reason, workflows FROM pipeline_run"
        + " WHERE run_key = ?", runKey);
    return runs.isEmpty() ? null : runs.get(0);
  }

  /** The runs of one Pipeline, by number. */
  public List<Run> runs(String namespace, String pipeline) {
    return query("SELECT id, namespace, pipeline, number, status, reason, workflows FROM pipeline_run"
        + " WHERE namespace = ? AND pipeline = ? ORDER BY number", namespace, pipeline);
  }

  private List<Run> query(String sql, String... args) {
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setString(i + 1, args[i]);
      }
      List<Run> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Array a = rs.getArray(7);
          out.add(new Run(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getString(5),
              rs.getString(6), a == null ? List.of() : List.of((String[]) a.getArray())));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new HistoryException("reading pipeline runs", e);
    }
  }

  private void update(String sql, String... args) {
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setString(i + 1, args[i]);
      }
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new HistoryException("updating history", e);
    }
  }
}
