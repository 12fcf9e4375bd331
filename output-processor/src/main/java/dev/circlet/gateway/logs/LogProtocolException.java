package dev.circlet.gateway.logs;

/** A runner sent a log frame that breaks the stream's contract (a gap, a chunk after the end). */
public final class LogProtocolException extends RuntimeException {
  public LogProtocolException(String message) {
    super(message);
  }
}
