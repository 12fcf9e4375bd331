package dev.circlet.gateway.history;

/** PostgreSQL could not record or read history; the caller retries the delivery later. */
public final class HistoryException extends RuntimeException {
  public HistoryException(String message, Throwable cause) {
    super(message + ": " + cause.getMessage(), cause);
  }

  /**
   * Whether PostgreSQL was unreachable (SQLSTATE class 08, connection exception, or 57P, the server
   * shutting down or starting): waiting is the cure, not another delivery attempt.
   */
  public boolean unavailable() {
    for (Throwable t = getCause(); t != null; t = t.getCause()) {
      if (t instanceof java.sql.SQLException sql && sql.getSQLState() != null
          && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P"))) {
        return true;
      }
    }
    return false;
  }
}
