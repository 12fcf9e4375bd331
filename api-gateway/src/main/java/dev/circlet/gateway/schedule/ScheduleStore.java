package dev.circlet.gateway.schedule;

import dev.circlet.gateway.history.HistoryException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import javax.sql.DataSource;

/**
 * Schedule ticks in PostgreSQL. A tick is claimed by inserting its (Pipeline, schedule, tick) key:
 * the primary key lets exactly one of several racing gateway processes win, and the winner marks it
 * published once its delivery is queued. Times come from the caller's clock, never from the
 * database's, so tests drive the scheduler with a fake clock.
 */
public final class ScheduleStore {
  private final DataSource dataSource;

  public ScheduleStore(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * When the schedule was first seen with this cron: {@code now} the first time, and again when its
   * cron changed (the old cron's ticks are not owed by the new one).
   */
  public Instant firstSeen(String namespace, String pipeline, String schedule, String cron, Instant now) {
    String sql = """
        INSERT INTO schedule_seen (namespace, pipeline, schedule, cron, first_seen) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (namespace, pipeline, schedule) DO UPDATE
          SET cron = EXCLUDED.cron,
              first_seen = CASE WHEN schedule_seen.cron = EXCLUDED.cron THEN schedule_seen.first_seen
                                ELSE EXCLUDED.first_seen END
        RETURNING first_seen""";
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, namespace);
      ps.setString(2, pipeline);
      ps.setString(3, schedule);
      ps.setString(4, cron);
      ps.setTimestamp(5, Timestamp.from(now));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getTimestamp(1).toInstant();
      }
    } catch (SQLException e) {
      throw new HistoryException("recording schedule " + namespace + "/" + pipeline + "/" + schedule, e);
    }
  }

  /**
   * Claims a tick for this process: true when the tick was not claimed before, or when an earlier
   * claim was never published and is older than {@code lease} (its process died before queueing).
   */
  public boolean claim(String namespace, String pipeline, String schedule, Instant tick, Instant now,
      Duration lease) {
    String sql = """
        INSERT INTO schedule_tick (namespace, pipeline, schedule, tick, claimed_at) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (namespace, pipeline, schedule, tick) DO UPDATE SET claimed_at = EXCLUDED.claimed_at
          WHERE NOT schedule_tick.published AND schedule_tick.claimed_at < ?
        RETURNING tick""";
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, namespace);
      ps.setString(2, pipeline);
      ps.setString(3, schedule);
      ps.setTimestamp(4, Timestamp.from(tick));
      ps.setTimestamp(5, Timestamp.from(now));
      ps.setTimestamp(6, Timestamp.from(now.minus(lease)));
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    } catch (SQLException e) {
      throw new HistoryException("claiming tick " + tick + " of " + namespace + "/" + pipeline + "/" + schedule, e);
    }
  }

  /** Marks a claimed tick as queued: nobody fires it again. */
  public void published(String namespace, String pipeline, String schedule, Instant tick) {
    String sql = "UPDATE schedule_tick SET published = true"
        + " WHERE namespace = ? AND pipeline = ? AND schedule = ? AND tick = ?";
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, namespace);
      ps.setString(2, pipeline);
      ps.setString(3, schedule);
      ps.setTimestamp(4, Timestamp.from(tick));
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new HistoryException("recording tick " + tick + " of " + namespace + "/" + pipeline + "/" + schedule, e);
    }
  }
}
