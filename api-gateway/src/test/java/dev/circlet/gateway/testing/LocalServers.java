package dev.circlet.gateway.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** What the gateway tests' throwaway servers (PostgreSQL, RabbitMQ) share: a free loopback port, a pause. */
public final class LocalServers {
  private LocalServers() {}

  /** A loopback port free at the time of asking. */
  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** Sleeps between polls of a server that is starting or stopping; an interrupt ends the wait. */
  public static void pause(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
