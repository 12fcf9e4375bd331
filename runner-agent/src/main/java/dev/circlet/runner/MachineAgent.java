package dev.circlet.runner;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.circlet.runner.model.JobFile;
import dev.circlet.runner.shim.ShimDriver;
import dev.circlet.runner.store.LocalBlobStore;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code circlet-agent machine --settings FILE [--root DIR]}: the agent of a machine-executor VM,
 * started by cloud-init. A VM booted for one Build finds its job.json in the user data and runs it
 * at once; a warm VM, booted before any Build exists, listens for the one assignment the operator
 * sends after a claim ({@code POST /assign}, authenticated with the per-VM key of its user data)
 * and runs that. The steps run on the VM itself through the shim; the job's summary is written to
 * a file that the VM's host side reports. The VM holds no cluster or storage credential.
 */
public final class MachineAgent {
  /** The port a warm VM's agent listens on for its assignment. */
  public static final int ASSIGN_PORT = 7077;
  static final String ASSIGN_PATH = "/assign";
  static final int MAX_JOB_BYTES = 1 << 20;
  /** The assignment's header carrying the Build's identity token for the gateway. */
  static final String TOKEN_HEADER = "Circlet-Build-Token";
  static final int MAX_TOKEN_CHARS = 16 << 10;

  /** The agent's boot settings, from the {@code KEY=VALUE} file cloud-init writes. */
  record Settings(String pool, String key, String listen, Path jobFile, Path workDir, Path summaryFile,
      String gateway, boolean gatewayPlaintext) {
    static Settings read(Path file, Path root) throws IOException {
      Map<String, String> m = new LinkedHashMap<>();
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        int eq = line.indexOf('=');
        if (!line.isBlank() && !line.startsWith("#") && eq > 0) {
          m.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
        }
      }
      String pool = m.get("CIRCLET_MACHINE_POOL");
      if (pool == null || pool.isBlank()) {
        throw new IllegalArgumentException(file + " names no CIRCLET_MACHINE_POOL");
      }
      String job = m.get("CIRCLET_JOB_FILE");
      String key = m.get("CIRCLET_MACHINE_KEY");
      if ((job == null || job.isBlank()) && (key == null || key.length() < 32)) {
        throw new IllegalArgumentException(file + " has neither CIRCLET_JOB_FILE nor a CIRCLET_MACHINE_KEY"
            + " of at least 32 characters: the VM could never get a job");
      }
      return new Settings(pool, key, m.getOrDefault("CIRCLET_MACHINE_LISTEN", "0.0.0.0:" + ASSIGN_PORT),
          job == null || job.isBlank() ? null : under(root, job),
          under(root, m.getOrDefault("CIRCLET_WORK_DIR", "/var/lib/circlet")),
          under(root, m.getOrDefault("CIRCLET_SUMMARY_FILE", "/var/lib/circlet/summary.json")),
          blankToNull(m.get("CIRCLET_GATEWAY")), Boolean.parseBoolean(m.getOrDefault("CIRCLET_GATEWAY_PLAINTEXT", "false")));
    }

    private static String blankToNull(String s) {
      return s == null || s.isBlank() ? null : s;
    }

    private static Path under(Path root, String path) {
      return root == null ? Path.of(path) : root.resolve(path.startsWith("/") ? path.substring(1) : path);
    }
  }

  private MachineAgent() {}

  static int run(Map<String, String> opt) throws IOException, InterruptedException {
    String settingsPath = opt.get("settings");
    if (settingsPath == null) {
      throw new IllegalArgumentException("usage: circlet-agent machine --settings FILE [--root DIR]");
    }
    Path root = opt.get("root") == null ? null : Path.of(opt.get("root"));
    Settings s = Settings.read(Path.of(settingsPath), root);
    Files.createDirectories(s.workDir());
    Path jobFile = s.jobFile() != null ? s.jobFile() : awaitAssignment(s);
    return runJob(s, jobFile);
  }

  /** Listens until the operator hands over a job; returns where its job.json was written. */
  static Path awaitAssignment(Settings s) throws IOException, InterruptedException {
    Path target = s.workDir().resolve("build/job.json");
    Files.createDirectories(target.getParent());
    int colon = s.listen().lastIndexOf(':');
    InetSocketAddress address = new InetSocketAddress(s.listen().substring(0, colon),
        Integer.parseInt(s.listen().substring(colon + 1)));
    CompletableFuture<Path> assigned = new CompletableFuture<>();
    AtomicBoolean taken = new AtomicBoolean();
    byte[] key = s.key().getBytes(StandardCharsets.UTF_8);
    HttpServer server = HttpServer.create(address, 16);
    server.createContext(ASSIGN_PATH, ex -> {
      try (ex) {
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        byte[] given = auth == null || !auth.startsWith("Bearer ") ? new byte[0]
            : auth.substring(7).getBytes(StandardCharsets.UTF_8);
        if (!"POST".equals(ex.getRequestMethod()) || !MessageDigest.isEqual(key, given)) {
          reply(ex, 403, "not the operator of this VM's pool");
          return;
        }
        byte[] body = readBounded(ex.getRequestBody());
        if (body == null) {
          reply(ex, 413, "job.json is larger than " + MAX_JOB_BYTES + " bytes");
          return;
        }
        try {
          JobFile.parse(new String(body, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
          reply(ex, 400, e.getMessage());
          return;
        }
        String token = ex.getRequestHeaders().getFirst(TOKEN_HEADER);
        if (token != null && (token.isBlank() || token.length() > MAX_TOKEN_CHARS || !token.matches("[A-Za-z0-9._-]+"))) {
          reply(ex, 400, "the build token is not a JWT");
          return;
        }
        // A VM runs one job in its life: a second assignment (an operator retrying after it lost
        // the answer) is told the VM is taken, which the operator reads as delivered.
        if (!taken.compareAndSet(false, true)) {
          reply(ex, 409, "this VM already has its job");
          return;
        }
        if (token != null) {
          // Next to job.json, where the gateway connection looks for it; readable by the agent alone.
          writePrivate(target.resolveSibling("token"), token.getBytes(StandardCharsets.US_ASCII));
        }
        Path tmp = target.resolveSibling("job.json.tmp");
        Files.write(tmp, body);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        reply(ex, 202, "accepted");
        assigned.complete(target);
      }
    });
    server.start();
    ready(s);
    try {
      return assigned.get();
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IOException(e.getCause());
    } finally {
      // Later assignments keep getting 409 until the job ends; the server stops with the VM.
      Thread.ofPlatform().daemon().start(() -> {
        try {
          TimeUnit.HOURS.sleep(24);
        } catch (InterruptedException ignored) {
          Thread.currentThread().interrupt();
        }
        server.stop(0);
      });
    }
  }

  private static void writePrivate(Path file, byte[] content) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    try {
      Files.createFile(tmp, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
          java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      Files.createFile(tmp);
    }
    Files.write(tmp, content);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /**
   * The agent's gateway settings for the job: the gateway of the boot settings, when the job came
   * with a token (next to job.json); otherwise none, and the output stays on the VM's console.
   */
  static Map<String, String> gatewayEnv(Settings s, Path jobFile) {
    if (s.gateway() == null) {
      return Map.of();
    }
    if (!Files.isReadable(jobFile.resolveSibling("token"))) {
      System.err.println("circlet-agent: CIRCLET_GATEWAY is set but the job came without a build token: its output"
          + " stays on this VM's console");
      return Map.of();
    }
    return s.gatewayPlaintext() ? Map.of("CIRCLET_GATEWAY", s.gateway(), "CIRCLET_GATEWAY_PLAINTEXT", "true")
        : Map.of("CIRCLET_GATEWAY", s.gateway());
  }

  /** Marks the agent up: the host side reports the VM Ready from this file. */
  static void ready(Settings s) throws IOException {
    Files.writeString(s.workDir().resolve("agent.ready"), Long.toString(ProcessHandle.current().pid()));
  }

  static int runJob(Settings s, Path jobFile) throws IOException, InterruptedException {
    if (s.jobFile() != null) {
      ready(s);
    }
    Path shared = Files.createDirectories(s.workDir().resolve("circlet"));
    Path home = Files.createDirectories(s.workDir().resolve("home/circleci"));
    Path store = Files.createDirectories(s.workDir().resolve("store"));
    ShimDriver shim = new ShimDriver(shared);
    shim.startLocal();
    int code;
    try {
      code = AgentMain.pod(shared, jobFile, home, home, s.workDir().resolve("clone"), s.workDir().resolve("contexts"),
          new LocalBlobStore(store), false, gatewayEnv(s, jobFile));
    } finally {
      shim.awaitLocalExit(java.time.Duration.ofSeconds(30));
      shim.close();
    }
    Path summary = shared.resolve("summary.json");
    Files.createDirectories(s.summaryFile().getParent());
    Path tmp = s.summaryFile().resolveSibling(s.summaryFile().getFileName() + ".tmp");
    Files.copy(summary, tmp, StandardCopyOption.REPLACE_EXISTING);
    Files.move(tmp, s.summaryFile(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    return code;
  }

  private static byte[] readBounded(InputStream in) throws IOException {
    byte[] b = in.readNBytes(MAX_JOB_BYTES + 1);
    return b.length > MAX_JOB_BYTES ? null : b;
  }

  private static void reply(HttpExchange ex, int code, String text) throws IOException {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    ex.sendResponseHeaders(code, b.length);
    ex.getResponseBody().write(b);
  }

  /** Options of {@code machine}: {@code --settings} and {@code --root}. */
  static Map<String, String> options(List<String> args) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < args.size(); i++) {
      if (!args.get(i).startsWith("--") || i + 1 >= args.size()) {
        throw new IllegalArgumentException("expected --option VALUE, got " + args.get(i));
      }
      m.put(args.get(i).substring(2), args.get(++i));
    }
    return m;
  }
}
