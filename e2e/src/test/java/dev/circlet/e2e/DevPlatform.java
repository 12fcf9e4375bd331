package dev.circlet.e2e;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The whole platform as {@code hack/dev-up} starts it, once per test JVM (every end-to-end class
 * shares it), stopped with {@code hack/dev-down} when the JVM ends. Components are stopped and
 * started through the same script, so a fault test breaks exactly what a user would run. The
 * operator and the gateway run with {@code --chart-rbac}: under the Helm chart's ServiceAccounts
 * and nothing but its rendered RBAC, so every end-to-end test also proves those rules suffice.
 */
final class DevPlatform {
  static final Path REPO = Path.of(System.getProperty("circlet.repo", "..")).toAbsolutePath().normalize();
  static final String NS = "demo";
  private static DevPlatform shared;

  final Path dir;
  final Map<String, String> env;
  final KubernetesClient client;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  final Duration startup;
  private String token;

  private DevPlatform(Path dir, Map<String, String> env, Duration startup) throws IOException {
    this.dir = dir;
    this.env = env;
    this.startup = startup;
    this.client = new KubernetesClientBuilder()
        .withConfig(Config.fromKubeconfig(Files.readString(dir.resolve("kubeconfig")))).build();
  }

  /** The platform of this JVM, started on first use. */
  static synchronized DevPlatform shared() {
    if (shared == null) {
      try {
        shared = start();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "dev-down"));
    }
    return shared;
  }

  private static DevPlatform start() throws IOException {
    Path dir = Files.createTempDirectory("circlet-e2e-");
    long t0 = System.nanoTime();
    script(List.of(REPO.resolve("hack/dev-up").toString(), "--dir", dir.toString(), "--no-build",
        "--chart-rbac"),
        dir.resolve("dev-up.out"), Duration.ofMinutes(8));
    Duration startup = Duration.ofNanos(System.nanoTime() - t0);
    System.out.println("hack/dev-up started the platform in " + startup.toMillis() + " ms");
    return new DevPlatform(dir, readEnv(dir.resolve("env")), startup);
  }

  private static Map<String, String> readEnv(Path file) throws IOException {
    Map<String, String> env = new LinkedHashMap<>();
    for (String line : Files.readAllLines(file)) {
      if (line.startsWith("export ") && line.contains("=")) {
        String kv = line.substring("export ".length());
        env.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
      }
    }
    return env;
  }

  private static void script(List<String> command, Path output, Duration timeout) {
    try {
      Process p = new ProcessBuilder(command).directory(REPO.toFile()).redirectErrorStream(true)
          .redirectOutput(output.toFile()).start();
      if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(String.join(" ", command) + " did not finish within " + timeout + ": "
            + Files.readString(output));
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed (exit " + p.exitValue() + "): "
            + Files.readString(output));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Stops one component ({@code hack/dev-up stop NAME}): SIGTERM (PostgreSQL: fast shutdown). */
  void stop(String component) {
    script(List.of(REPO.resolve("hack/dev-up").toString(), "stop", component, "--dir", dir.toString()),
        dir.resolve("stop-" + component + ".out"), Duration.ofMinutes(2));
  }

  /** Starts one component again ({@code hack/dev-up start NAME}) and waits until it serves. */
  void start(String component) {
    script(List.of(REPO.resolve("hack/dev-up").toString(), "start", component, "--dir", dir.toString()),
        dir.resolve("start-" + component + ".out"), Duration.ofMinutes(4));
  }

  String gateway() {
    return "http://127.0.0.1:" + env.get("CIRCLET_DEV_GATEWAY_PORT");
  }

  Path repository() {
    return Path.of(env.get("CIRCLET_DEV_REPO"));
  }

  /** Where S3Proxy keeps the objects of a bucket (one file per object key). */
  Path bucket(String name) {
    return dir.resolve("s3").resolve(name);
  }

  Connection database() throws SQLException {
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + env.get("CIRCLET_DEV_PG_PORT") + "/circlet",
        "circlet", "");
  }

  /** Sends a GitHub webhook signed with {@code key}; returns the status code and body. */
  HttpResponse<String> github(String event, String delivery, byte[] body, String key) throws IOException,
      InterruptedException {
    HttpRequest req = HttpRequest.newBuilder(URI.create(gateway() + "/webhooks/github"))
        .timeout(Duration.ofSeconds(120)).header("X-GitHub-Event", event).header("X-GitHub-Delivery", delivery)
        .header("X-Hub-Signature-256", sign(key, body)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    return http.send(req, HttpResponse.BodyHandlers.ofString());
  }

  /**
   * An API token of Organization demo with read and write scopes, minted once through the token
   * endpoint with the bootstrap secret hack/dev-up gave the gateway.
   */
  synchronized String token() throws IOException, InterruptedException {
    if (token == null) {
      HttpResponse<String> r = api("POST", "/api/v1/organizations/demo/tokens", env.get("CIRCLET_DEV_ADMIN_TOKEN"),
          "{\"name\":\"e2e\",\"scopes\":[\"read\",\"write\"]}");
      if (r.statusCode() != 201) {
        throw new IllegalStateException("minting an API token answered " + r.statusCode() + ": " + r.body());
      }
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"token\"\\s*:\\s*\"([^\"]+)\"").matcher(r.body());
      if (!m.find()) {
        throw new IllegalStateException("no token in " + r.body());
      }
      token = m.group(1);
    }
    return token;
  }

  /** A REST API call with a bearer token; {@code body} (JSON) may be null. */
  HttpResponse<String> api(String method, String path, String bearer, String body) throws IOException,
      InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gateway() + path)).timeout(Duration.ofSeconds(60))
        .header("Authorization", "Bearer " + bearer);
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The gateway's bootstrap secret: accepted on the token endpoints only, to mint API tokens. */
  String adminToken() {
    return env.get("CIRCLET_DEV_ADMIN_TOKEN");
  }

  /** The kubeconfig a component ({@code operator}, {@code gateway}) runs with. */
  Path kubeconfig(String component) {
    return dir.resolve(component + ".kubeconfig");
  }

  /** The component's log so far. */
  String log(String component) throws IOException {
    return Files.readString(dir.resolve("logs").resolve(component + ".log"));
  }

  String webhookSecret() {
    return env.get("CIRCLET_DEV_WEBHOOK_SECRET");
  }

  /** A GitHub push of {@code revision} to main of {@code repoUrl}, with optional padding bytes. */
  static byte[] push(String repoUrl, String revision, int padding) {
    return ("{\"ref\":\"refs/heads/main\",\"after\":\"" + revision + "\",\"repository\":{\"clone_url\":\""
        + repoUrl + "\"},\"sender\":{\"login\":\"ada\"},\"head_commit\":{\"message\":\"change\"},\"padding\":\""
        + "x".repeat(padding) + "\"}").getBytes(StandardCharsets.UTF_8);
  }

  static String sign(String key, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Runs git in {@code repo}; returns its trimmed output. */
  static String git(Path repo, String... args) {
    List<String> cmd = new java.util.ArrayList<>(List.of("git", "-C", repo.toString(), "-c", "user.name=e2e",
        "-c", "user.email=e2e@example.com"));
    cmd.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (p.waitFor() != 0) {
        throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Prints one line of the fault suite's table: number, injection, what was observed, what was lost. */
  static void fault(int n, String injection, String observed, String lost) {
    System.out.printf("FAULT | %d | %s | %s | %s%n", n, injection, observed, lost);
  }

  void close() {
    client.close();
    script(List.of(REPO.resolve("hack/dev-down").toString(), "--dir", dir.toString()),
        Path.of(System.getProperty("java.io.tmpdir"), "circlet-e2e-dev-down.out"), Duration.ofMinutes(3));
  }
}
