package dev.circlet.cli.run;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * Serves a {@link ContinuationGate} over HTTPS on this machine's loopback for the jobs of a local
 * setup workflow. The continuation orb posts to {@code https://circleci.com/api/v2/pipeline/continue};
 * the jobs get {@code CURL_HOME} pointing at a {@code .curlrc} that connects {@code circleci.com:443}
 * to this endpoint and trusts its certificate (made for this run by the JDK's {@code keytool},
 * alongside the system's CA bundle), so that curl works unchanged and nothing leaves the machine.
 */
public final class ContinuationEndpoint implements AutoCloseable {
  /** The variable that carries the key to the jobs, as on CircleCI. */
  public static final String KEY_VARIABLE = "CIRCLE_CONTINUATION_KEY";
  private static final String ALIAS = "continuation";
  private static final List<String> SYSTEM_BUNDLES = List.of("/etc/ssl/certs/ca-certificates.crt",
      "/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/cert.pem", "/etc/ssl/ca-bundle.pem");
  private static final int MAX_BODY = 8 * ContinuationGate.MAX_CONFIGURATION;

  private final HttpsServer server;
  private final Path dir;
  private final String key;

  private ContinuationEndpoint(HttpsServer server, Path dir, String key) {
    this.server = server;
    this.dir = dir;
    this.key = key;
  }

  /**
   * Starts serving {@code gate} for jobs holding {@code key}, with its files in a fresh directory
   * under {@code parent}.
   *
   * @param environment this process's environment: {@code HOME} (a user's own {@code .curlrc} is kept)
   */
  public static ContinuationEndpoint start(ContinuationGate gate, String key, Path parent,
      Map<String, String> environment) throws IOException, InterruptedException {
    Files.createDirectories(parent);
    Path dir = Files.createTempDirectory(parent, "continuation-");
    try {
      if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
      }
      char[] password = password();
      Path keystore = dir.resolve("endpoint.p12");
      keytool(keystore, password);
      KeyStore ks = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(keystore)) {
        ks.load(in, password);
      }
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, password);
      SSLContext tls = SSLContext.getInstance("TLS");
      tls.init(kmf.getKeyManagers(), null, null);
      HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.setHttpsConfigurator(new HttpsConfigurator(tls));
      server.createContext("/", exchange -> serve(gate, exchange));
      server.start();
      String pem = "-----BEGIN CERTIFICATE-----\n"
          + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
              .encodeToString(ks.getCertificate(ALIAS).getEncoded())
          + "\n-----END CERTIFICATE-----\n";
      StringBuilder bundle = new StringBuilder(pem);
      for (String b : SYSTEM_BUNDLES) {
        if (Files.isReadable(Path.of(b))) {
          bundle.append(Files.readString(Path.of(b), StandardCharsets.US_ASCII));
          break;
        }
      }
      Files.writeString(dir.resolve("ca-bundle.pem"), bundle);
      Files.writeString(dir.resolve(".curlrc"), curlrc(environment.get("HOME"),
          server.getAddress().getPort(), dir.resolve("ca-bundle.pem")));
      return new ContinuationEndpoint(server, dir, key);
    } catch (GeneralSecurityException e) {
      delete(dir);
      throw new IOException("the continuation endpoint's certificate does not load: " + e.getMessage(), e);
    } catch (IOException | InterruptedException | RuntimeException e) {
      delete(dir);
      throw e;
    }
  }

  /** The {@code .curlrc}: the user's own first, then the redirect of CircleCI's host and the trust of this run's certificate. */
  static String curlrc(String home, int port, Path caBundle) throws IOException {
    StringBuilder rc = new StringBuilder();
    if (home != null && Files.isReadable(Path.of(home, ".curlrc"))) {
      rc.append(Files.readString(Path.of(home, ".curlrc"))).append('\n');
    }
    rc.append("# circlet run: the continuation endpoint of this setup workflow\n");
    rc.append("connect-to = \"circleci.com:443:127.0.0.1:").append(port).append("\"\n");
    rc.append("cacert = \"").append(caBundle.toString().replace("\\", "\\\\").replace("\"", "\\\""))
        .append("\"\n");
    return rc.toString();
  }

  /** The variables every job of the setup workflow gets. */
  public Map<String, String> jobEnvironment() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put(KEY_VARIABLE, key);
    env.put("CURL_HOME", dir.toString());
    env.put("CIRCLET_CONTINUATION_URL", url());
    env.put("CIRCLET_CONTINUATION_CA", dir.resolve("ca-bundle.pem").toString());
    return env;
  }

  /** Where the endpoint answers on this machine. */
  public String url() {
    return "https://127.0.0.1:" + server.getAddress().getPort() + ContinuationGate.PATH;
  }

  @Override
  public void close() {
    server.stop(0);
    delete(dir);
  }

  private static void serve(ContinuationGate gate, HttpExchange exchange) throws IOException {
    try (exchange) {
      ContinuationGate.Answer answer;
      if (!ContinuationGate.PATH.equals(exchange.getRequestURI().getPath())) {
        answer = ContinuationGate.notServed(404, "only POST " + ContinuationGate.PATH + " is served here");
      } else if (!"POST".equals(exchange.getRequestMethod())) {
        answer = ContinuationGate.notServed(405, "the continuation endpoint takes POST");
      } else {
        byte[] body = exchange.getRequestBody().readNBytes(MAX_BODY + 1);
        answer = body.length > MAX_BODY
            ? new ContinuationGate.Answer(413, Map.of("type", "about:blank", "title", "Configuration too large",
                "status", 413, "detail", "the body is larger than " + MAX_BODY + " bytes"))
            : gate.offer(new String(body, StandardCharsets.UTF_8));
      }
      byte[] out = answer.json().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type",
          answer.status() == 200 ? "application/json" : "application/problem+json");
      exchange.sendResponseHeaders(answer.status(), out.length);
      try (OutputStream os = exchange.getResponseBody()) {
        os.write(out);
      }
    }
  }

  /** A key pair and a one-day self-signed certificate for circleci.com, localhost and 127.0.0.1. */
  private static void keytool(Path keystore, char[] password) throws IOException, InterruptedException {
    Path exe = Path.of(System.getProperty("java.home"), "bin",
        System.getProperty("os.name", "").startsWith("Windows") ? "keytool.exe" : "keytool");
    if (!Files.isExecutable(exe)) {
      throw new IOException("a setup config needs the JDK's keytool (" + exe + ") to serve its continuation"
          + " endpoint over HTTPS; run circlet with a full JDK");
    }
    List<String> cmd = new ArrayList<>(List.of(exe.toString(), "-genkeypair", "-alias", ALIAS, "-keyalg", "EC",
        "-groupname", "secp256r1", "-dname", "CN=circleci.com", "-ext",
        "SAN=dns:circleci.com,dns:localhost,ip:127.0.0.1", "-validity", "1", "-storetype", "PKCS12",
        "-keystore", keystore.toString(), "-storepass:env", "CIRCLET_KS_PASS", "-keypass:env", "CIRCLET_KS_PASS"));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("CIRCLET_KS_PASS", new String(password));
    Process p = pb.start();
    byte[] output = p.getInputStream().readAllBytes();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("keytool did not make the continuation endpoint's certificate within 120 seconds");
    }
    if (p.exitValue() != 0) {
      throw new IOException("keytool failed to make the continuation endpoint's certificate: "
          + new String(output, StandardCharsets.UTF_8).strip());
    }
  }

  private static char[] password() {
    byte[] b = new byte[24];
    new SecureRandom().nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b).toCharArray();
  }

  private static void delete(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // a leftover directory under .circlet holds only this run's throwaway certificate
    }
  }
}
