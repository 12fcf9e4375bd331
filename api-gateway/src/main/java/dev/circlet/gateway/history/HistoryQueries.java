package dev.circlet.gateway.history;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The history the API reads, always for one Organization, newest first, one page at a time. Pages
 * are keyed by a strictly decreasing sort key (the run's id, the delivery's sequence number), so
 * rows written while a client pages never shift later pages: no duplicates, no gaps.
 */
public final class HistoryQueries {
  private final DataSource dataSource;

  public HistoryQueries(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** One page and the sort key to continue after, or null on the last page. */
  public record Page<T>(List<T> items, Long next) {}

  /** A pipeline run as the API shows it. */
  public record RunRecord(long id, String namespace, String pipeline, long number, String triggerSource,
      String provider, String deliveryId, String branch, String tag, String revision, String actor, String status,
      String reason, List<String> workflows, Instant createdAt, Instant updatedAt, String commitSubject,
      String commitAuthorName, String commitAuthorEmail, Integer prNumber) {}

  /** A webhook delivery with the runs it made in the caller's organization, each with its outcome. */
  public record DeliveryRecord(String provider, String deliveryId, String eventType, String status, int attempts,
      Instant receivedAt, Instant updatedAt, List<RunRecord> runs) {}

  private static final String RUN_COLUMNS = "id, namespace, pipeline, number, trigger_source, provider, delivery_id,"
      + " branch, tag, revision, actor, status, reason, workflows, created_at, updated_at, commit_subject,"
      + " commit_author_name, commit_author_email, pr_number";

  /** Which runs to list: each field null for any. */
  public record RunFilter(String namespace, String pipeline, String branch, String status) {
    public static final RunFilter ALL = new RunFilter(null, null, null, null);
  }

  /** The organization's runs with an id below {@code before} (all when null). */
  public Page<RunRecord> runs(String organization, Long before, int limit) {
    return runs(organization, RunFilter.ALL, before, limit);
  }

  /** The organization's runs matching {@code filter} with an id below {@code before} (all when null). */
  public Page<RunRecord> runs(String organization, RunFilter filter, Long before, int limit) {
    List<String> args = new ArrayList<>();
    StringBuilder where = new StringBuilder();
    condition(where, args, "namespace", filter.namespace());
    condition(where, args, "pipeline", filter.pipeline());
    condition(where, args, "branch", filter.branch());
    condition(where, args, "status", filter.status());
    String sql = "SELECT " + RUN_COLUMNS + " FROM pipeline_run WHERE organization = ?" + where + " AND id < ?"
        + " ORDER BY id DESC LIMIT ?";
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, organization);
      int i = 2;
      for (String a : args) {
        ps.setString(i++, a);
      }
      ps.setLong(i++, before == null ? Long.MAX_VALUE : before);
      ps.setInt(i, limit + 1);
      List<RunRecord> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(run(rs));
        }
      }
      return page(out, limit, r -> r.id());
    } catch (SQLException e) {
      throw new HistoryException("reading the runs of " + organization, e);
    }
  }

  /** One run of the organization, or null. */
  public RunRecord run(String organization, long id) {
    String sql = "SELECT " + RUN_COLUMNS + " FROM pipeline_run WHERE organization = ? AND id = ?";
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, organization);
      ps.setLong(2, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? run(rs) : null;
      }
    } catch (SQLException e) {
      throw new HistoryException("reading run " + id + " of " + organization, e);
    }
  }

  /** The id of run {@code number} of a Pipeline of the organization, or null. */
  public Long runId(String organization, String namespace, String pipeline, long number) {
    String sql = "SELECT id FROM pipeline_run WHERE organization = ? AND namespace = ? AND pipeline = ? AND number = ?";
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, organization);
      ps.setString(2, namespace);
      ps.setString(3, pipeline);
      ps.setLong(4, number);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : null;
      }
    } catch (SQLException e) {
      throw new HistoryException("reading run " + number + " of " + namespace + "/" + pipeline, e);
    }
  }

  /** The newest run of each branch of one Pipeline of the organization, by branch name. */
  public List<RunRecord> lastRunPerBranch(String organization, String namespace, String pipeline) {
    String sql = "SELECT DISTINCT ON (branch) " + RUN_COLUMNS + " FROM pipeline_run WHERE organization = ?"
        + " AND namespace = ? AND pipeline = ? AND branch IS NOT NULL ORDER BY branch, id DESC";
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, organization);
      ps.setString(2, namespace);
      ps.setString(3, pipeline);
      List<RunRecord> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(run(rs));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new HistoryException("reading the branches of " + namespace + "/" + pipeline, e);
    }
  }

  private static void condition(StringBuilder where, List<String> args, String column, String value) {
    if (value != null) {
      where.append(" AND ").append(column).append(" = ?");
      args.add(value);
    }
  }

  /**
   * The deliveries that made runs of the organization's Pipelines, with a sequence number below
   * {@code before}. A delivery no Pipeline matched belongs to no organization and is not listed.
   */
  public Page<DeliveryRecord> deliveries(String organization, Long before, int limit) {
    String sql = """
        SELECT d.seq, d.provider, d.delivery_id, d.event_type, d.status, d.attempts, d.received_at, d.updated_at
        FROM webhook_delivery d
        WHERE d.seq < ? AND EXISTS (SELECT 1 FROM pipeline_run r
          WHERE r.provider = d.provider AND r.delivery_id = d.delivery_id AND r.organization = ?)
        ORDER BY d.seq DESC LIMIT ?""";
    try (Connection c = dataSource.getConnection()) {
      Map<String, DeliveryRecord> byKey = new LinkedHashMap<>();
      List<Long> seqs = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        ps.setLong(1, before == null ? Long.MAX_VALUE : before);
        ps.setString(2, organization);
        ps.setInt(3, limit + 1);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            seqs.add(rs.getLong(1));
            byKey.put(rs.getString(2) + "/" + rs.getString(3), new DeliveryRecord(rs.getString(2), rs.getString(3),
                rs.getString(4), rs.getString(5), rs.getInt(6), instant(rs.getTimestamp(7)),
                instant(rs.getTimestamp(8)), new ArrayList<>()));
          }
        }
      }
      if (!byKey.isEmpty()) {
        String runs = "SELECT " + RUN_COLUMNS + " FROM pipeline_run WHERE organization = ?"
            + " AND (provider || '/' || delivery_id) = ANY (?) ORDER BY id";
        try (PreparedStatement ps = c.prepareStatement(runs)) {
          ps.setString(1, organization);
          ps.setArray(2, c.createArrayOf("text", byKey.keySet().toArray()));
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              RunRecord r = run(rs);
              byKey.get(r.provider() + "/" + r.deliveryId()).runs().add(r);
            }
          }
        }
      }
      List<DeliveryRecord> items = new ArrayList<>(byKey.values());
      Page<DeliveryRecord> p = page(items, limit, null);
      return new Page<>(p.items(), p.next() == null ? null : seqs.get(limit - 1));
    } catch (SQLException e) {
      throw new HistoryException("reading the deliveries of " + organization, e);
    }
  }

  private static <T> Page<T> page(List<T> fetched, int limit, java.util.function.ToLongFunction<T> key) {
    if (fetched.size() <= limit) {
      return new Page<>(fetched, null);
    }
    List<T> items = List.copyOf(fetched.subList(0, limit));
    return new Page<>(items, key == null ? -1L : key.applyAsLong(items.get(limit - 1)));
  }

  private static RunRecord run(ResultSet rs) throws SQLException {
    Array a = rs.getArray(14);
    return new RunRecord(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getString(5),
        rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10), rs.getString(11),
        rs.getString(12), rs.getString(13), a == null ? List.of() : List.of((String[]) a.getArray()),
        instant(rs.getTimestamp(15)), instant(rs.getTimestamp(16)), rs.getString(17), rs.getString(18),
        rs.getString(19), (Integer) rs.getObject(20));
  }

  private static Instant instant(Timestamp t) {
    return t == null ? null : t.toInstant();
  }
}
