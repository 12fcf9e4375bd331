package dev.circlet.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent of a warm VM: one job, handed over only with the VM's key; a cold VM runs its user data's job. */
class MachineAgentTest {
  static final String KEY = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
  static final String JOB = """
      {"job": {"name": "build", "executor": {"kind": "machine"},
               "steps": [{"type": "run", "name": "hello", "command": "echo hi > $HOME/hi.txt"}]},
       "parallelIndex": 0, "parallelTotal": 1, "build": "vm-1"}""";

  @TempDir
  Path root;

  @Test
  void warmVmTakesOneJobOnlyFromWhoeverHoldsItsKey() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Files.createDirectories(root.resolve("etc/circlet"));
    Files.writeString(root.resolve("etc/circlet/machine.env"), "CIRCLET_MACHINE_POOL=p\nCIRCLET_MACHINE_KEY=" + KEY
        + "\nCIRCLET_MACHINE_LISTEN=127.0.0.1:" + port + "\n");
    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> {
      try {
        return MachineAgent.run(Map.of("settings", root.resolve("etc/circlet/machine.env").toString(),
            "root", root.toString()));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    Path ready = root.resolve("var/lib/circlet/agent.ready");
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    while (!Files.exists(ready) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    HttpClient http = HttpClient.newHttpClient();
    assertThat(post(http, port, "not-the-key", JOB)).as("a wrong key").isEqualTo(403);
    assertThat(post(http, port, null, JOB)).as("no key").isEqualTo(403);
    assertThat(post(http, port, KEY, "{not json")).as("garbage").isEqualTo(400);
    assertThat(post(http, port, KEY, JOB, "a token\nwith a line")).as("a token that is no JWT").isEqualTo(400);
    assertThat(post(http, port, KEY, JOB, "header.payload.signature")).isEqualTo(202);
    assertThat(post(http, port, KEY, JOB)).as("a second job for the same VM").isEqualTo(409);
    assertThat(exit.get(2, java.util.concurrent.TimeUnit.MINUTES)).isZero();
    assertThat(Files.readString(root.resolve("var/lib/circlet/summary.json"))).contains("\"outcome\":\"success\"");
    assertThat(Files.readString(root.resolve("var/lib/circlet/home/circleci/hi.txt"))).isEqualTo("hi\n");
    Path token = root.resolve("var/lib/circlet/build/token");
    assertThat(Files.readString(token)).as("the job's token, next to its job.json").isEqualTo("header.payload.signature");
    assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(token)))
        .isEqualTo("rw-------");
  }

  @Test
  void gatewayIsUsedOnlyWhenTheJobCameWithAToken() throws Exception {
    Files.createDirectories(root.resolve("etc/circlet/build"));
    Files.writeString(root.resolve("etc/circlet/machine.env"), "CIRCLET_MACHINE_POOL=p\n"
        + "CIRCLET_JOB_FILE=/etc/circlet/build/job.json\nCIRCLET_GATEWAY=gw.example:9090\nCIRCLET_GATEWAY_PLAINTEXT=true\n");
    MachineAgent.Settings s = MachineAgent.Settings.read(root.resolve("etc/circlet/machine.env"), root);
    Path job = root.resolve("etc/circlet/build/job.json");
    assertThat(MachineAgent.gatewayEnv(s, job)).as("no token: the output stays on the console").isEmpty();
    Files.writeString(root.resolve("etc/circlet/build/token"), "a.b.c");
    assertThat(MachineAgent.gatewayEnv(s, job)).containsEntry("CIRCLET_GATEWAY", "gw.example:9090")
        .containsEntry("CIRCLET_GATEWAY_PLAINTEXT", "true");
  }

  @Test
  void coldVmRunsTheJobOfItsUserData() throws Exception {
    Files.createDirectories(root.resolve("etc/circlet/build"));
    Files.writeString(root.resolve("etc/circlet/build/job.json"), JOB);
    Files.writeString(root.resolve("etc/circlet/machine.env"),
        "CIRCLET_MACHINE_POOL=p\nCIRCLET_JOB_FILE=/etc/circlet/build/job.json\n");
    assertThat(MachineAgent.run(Map.of("settings", root.resolve("etc/circlet/machine.env").toString(),
        "root", root.toString()))).isZero();
    assertThat(Files.readString(root.resolve("var/lib/circlet/summary.json"))).contains("\"outcome\":\"success\"");
  }

  @Test
  void settingsWithNeitherJobNorKeyAreRefused() throws Exception {
    Files.createDirectories(root.resolve("etc/circlet"));
    Files.writeString(root.resolve("etc/circlet/machine.env"), "CIRCLET_MACHINE_POOL=p\nCIRCLET_MACHINE_KEY=short\n");
    assertThatThrownBy(() -> MachineAgent.run(Map.of("settings", root.resolve("etc/circlet/machine.env").toString())))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("could never get a job");
  }

  private static int post(HttpClient http, int port, String key, String body) throws Exception {
    return post(http, port, key, body, null);
  }

  private static int post(HttpClient http, int port, String key, String body, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/assign"))
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header(MachineAgent.TOKEN_HEADER, token.replace("\n", " "));
    }
    if (key != null) {
      b.header("Authorization", "Bearer " + key);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }
}
