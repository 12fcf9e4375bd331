package dev.circlet.gateway.broker;

/** The broker did not confirm a message: unreachable, closed the channel, refused it, or was too slow. */
public final class BrokerUnavailableException extends RuntimeException {
  public BrokerUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
