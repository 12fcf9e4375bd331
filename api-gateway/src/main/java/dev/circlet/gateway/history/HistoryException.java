package dev.circlet.gateway.history;

/** PostgreSQL could not record or read history; the caller retries the delivery later. */
public final class HistoryException extends RuntimeException {
  public HistoryException(String message, Throwable cause) {
    super(message + ": " + cause.getMessage(), cause);
  }
}
