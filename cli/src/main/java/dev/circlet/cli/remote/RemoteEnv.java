package dev.circlet.cli.remote;

import java.io.Console;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What the remote commands take from the machine: environment variables, the home directory, a
 * way to read a secret line, and how long to pause between polls. Tests give their own.
 */
public record RemoteEnv(Map<String, String> env, Path home, Supplier<String> secretReader, Duration pollInterval,
    PrintWriter terminal) {
  public static RemoteEnv system() {
    return new RemoteEnv(System.getenv(), Path.of(System.getProperty("user.home")), RemoteEnv::readSecret,
        Duration.ofSeconds(2), System.console() == null ? null : System.console().writer());
  }

  private static String readSecret() {
    Console console = System.console();
    if (console != null) {
      char[] chars = console.readPassword("Token: ");
      return chars == null ? null : new String(chars);
    }
    try {
      var in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in,
          java.nio.charset.StandardCharsets.UTF_8));
      return in.readLine();
    } catch (java.io.IOException e) {
      throw new IllegalStateException("reading the token from standard input: " + e.getMessage(), e);
    }
  }
}
