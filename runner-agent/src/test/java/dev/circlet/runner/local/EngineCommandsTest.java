package dev.circlet.runner.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.circlet.config.model.ContainerImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EngineCommandsTest {
  static final Path NODE = Path.of("/p/.circlet/work/test.1");

  static EngineCommands.Node node(String primaryUser) {
    return new EngineCommands.Node("circlet-1a2b3c4d-test.1", List.of(
        new ContainerImage("cimg/node:16.20", null, null, null, primaryUser, Map.of("NODE_ENV", "test")),
        new ContainerImage("postgres:16", "db", null, null, null, Map.of("POSTGRES_PASSWORD", "pw")),
        new ContainerImage("redis:7", null, List.of("redis-server", "--save", ""), List.of("--port", "6380"), "999", null)),
        NODE, NODE.resolve("shim"), NODE.resolve("home"),
        List.of(new SandboxPaths.Mount(NODE.resolve("root/workspace"), "/workspace")), "1000:1000");
  }

  @Test
  void thePrimaryRunsTheShimWithTheNodeMountedAtItsOwnPath() {
    assertThat(String.join(" ", new EngineCommands("docker").primary(node(null)))).isEqualTo(
        "docker run -d --name circlet-1a2b3c4d-test.1 --network circlet-1a2b3c4d-test.1-net --add-host db:127.0.0.1"
            + " -v /p/.circlet/work/test.1:/p/.circlet/work/test.1 -v /p/.circlet/work/test.1/root/workspace:/workspace"
            + " -e HOME=/p/.circlet/work/test.1/home -w /p/.circlet/work/test.1/home --user 1000:1000"
            + " --entrypoint /bin/sh cimg/node:16.20 /p/.circlet/work/test.1/shim/bin/circlet-shim /p/.circlet/work/test.1/shim");
  }

  @Test
  void podmanKeepsTheUsersIdAndANamedUserWins() {
    assertThat(String.join(" ", new EngineCommands("/usr/bin/podman").primary(node(null))))
        .contains(" --userns keep-id --user 1000:1000 ");
    assertThat(String.join(" ", new EngineCommands("docker").primary(node("circleci"))))
        .contains(" --user circleci --entrypoint").doesNotContain("1000:1000");
  }

  @Test
  void servicesShareThePrimarysNetworkNamespace() {
    EngineCommands c = new EngineCommands("docker");
    assertThat(c.service(node(null), 1)).containsExactly("docker", "run", "-d", "--name", "circlet-1a2b3c4d-test.1-svc-1",
        "--network", "container:circlet-1a2b3c4d-test.1", "-e", "POSTGRES_PASSWORD=pw", "postgres:16");
    assertThat(c.service(node(null), 2)).containsExactly("docker", "run", "-d", "--name", "circlet-1a2b3c4d-test.1-svc-2",
        "--network", "container:circlet-1a2b3c4d-test.1", "--user", "999", "--entrypoint", "redis-server", "redis:7",
        "--save", "", "--port", "6380");
    assertThat(c.remove(node(null))).containsExactly("docker", "rm", "-f", "circlet-1a2b3c4d-test.1-svc-2",
        "circlet-1a2b3c4d-test.1-svc-1", "circlet-1a2b3c4d-test.1");
    assertThat(c.removeNetwork(node(null))).containsExactly("docker", "network", "rm", "circlet-1a2b3c4d-test.1-net");
  }

  @Test
  void containerNamesAreSafe() {
    assertThat(EngineCommands.containerName("circlet-1-build and test/x")).isEqualTo("circlet-1-build-and-test-x");
    assertThat(EngineCommands.containerName("--")).isEqualTo("job");
  }
}
