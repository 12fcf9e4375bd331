package dev.circlet.gateway.testing;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A gateway as its own process (for the SIGKILL test): the output processor and runner API on
 * the given Redis port and S3 endpoint; writes its gRPC port to a file, then serves until killed.
 */
public final class GatewayProcessMain {
  private GatewayProcessMain() {}

  public static void main(String[] args) throws Exception {
    GatewayHarness gw = new GatewayHarness(Integer.parseInt(args[0]), URI.create(args[1]), 64L << 20, 16L << 20);
    Path tmp = Path.of(args[2] + ".tmp");
    Files.writeString(tmp, Integer.toString(gw.port()));
    Files.move(tmp, Path.of(args[2]), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    Thread.currentThread().join();
  }
}
