package dev.circlet.gateway.testing;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * S3Proxy (a real S3-compatible server) in a child JVM, for tests of the booted gateway. S3Proxy's
 * jclouds needs Guice 7, while Quarkus' test bootstrap pins Guice 5 on this module's test classpath:
 * the child gets this JVM's classpath with the Guice jar swapped for Guice 7 from the local Maven
 * repository (where the output processor's build put it). The child stops when this JVM closes its
 * stdin.
 */
public final class S3ProxyProcess implements AutoCloseable {
  private static final String GUICE = "com" + File.separator + "google" + File.separator + "inject"
      + File.separator + "guice" + File.separator;

  private final Process process;
  private final URI endpoint;

  public S3ProxyProcess(String bucket) throws Exception {
    List<String> cp = new ArrayList<>();
    boolean swapped = false;
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      int at = entry.indexOf(GUICE);
      if (at >= 0) {
        Path guice7 = Path.of(entry.substring(0, at + GUICE.length()), "7.0.0", "guice-7.0.0.jar");
        if (!Files.isRegularFile(guice7)) {
          throw new IllegalStateException("S3Proxy needs " + guice7 + " (build the output-processor module once)");
        }
        cp.add(guice7.toString());
        swapped = true;
      } else {
        cp.add(entry);
      }
    }
    if (!swapped) {
      throw new IllegalStateException("no Guice jar on the test classpath to swap for Guice 7");
    }
    process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
        "-cp", String.join(File.pathSeparator, cp), Main.class.getName(), bucket)
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String line;
    URI found = null;
    while ((line = out.readLine()) != null) {
      if (line.startsWith("S3PROXY ")) {
        found = URI.create(line.substring("S3PROXY ".length()).trim());
        break;
      }
    }
    if (found == null) {
      process.destroyForcibly();
      throw new IllegalStateException("S3Proxy exited with " + process.waitFor() + " before it listened");
    }
    endpoint = found;
  }

  public URI endpoint() {
    return endpoint;
  }

  @Override
  public void close() throws Exception {
    process.getOutputStream().close();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }

  /** The child: S3Proxy on a free loopback port, its endpoint on stdout, until stdin closes. */
  public static final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
      try (S3ProxyServer s3 = new S3ProxyServer(args[0])) {
        System.out.println("S3PROXY " + s3.endpoint());
        System.out.flush();
        while (System.in.read() >= 0) {
          // wait for the parent to close stdin (or exit)
        }
      }
    }
  }
}
