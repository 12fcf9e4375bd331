package dev.circlet.gateway.broker;

/** The broker did not confirm a message: unreachable, closed the channel, refused it, or was too slow. */
public final class BrokerUnavailableException extends RuntimeException {
  private final boolean nacked;

  public BrokerUnavailableException(String message, Throwable cause) {
    this(message, cause, false);
  }

  private BrokerUnavailableException(String message, Throwable cause, boolean nacked) {
    super(message, cause);
    this.nacked = nacked;
  }

  /** The broker answered with a nack: it did not store the message, and sending it again may succeed. */
  static BrokerUnavailableException nack(String message) {
    return new BrokerUnavailableException(message, null, true);
  }

  public boolean nacked() {
    return nacked;
  }
}
