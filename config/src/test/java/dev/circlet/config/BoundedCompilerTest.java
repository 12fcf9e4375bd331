package dev.circlet.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.circlet.config.orbs.OrbStore;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Compiles on the bounded pool: every failure is a failed result with one diagnostic, never a throw. */
class BoundedCompilerTest {
  private static final Duration HANG_GUARD = Duration.ofSeconds(60);
  private static final String WITH_ORB = """
      version: 2.1
      orbs:
        kit: acme/kit@1.0
      jobs:
        build: {docker: [{image: alpine}], steps: [checkout]}
      workflows: {w: {jobs: [build]}}
      """;

  private final BoundedCompiler bounded = new BoundedCompiler(1);

  @AfterEach
  void close() {
    bounded.close();
  }

  private static ConfigCompiler throwing(Throwable t) {
    return new ConfigCompiler((ns, name, version) -> {
      if (t instanceof Error e) {
        throw e;
      }
      throw (RuntimeException) t;
    });
  }

  private CompileResult validate(ConfigCompiler compiler, String yaml) {
    return assertTimeoutPreemptively(HANG_GUARD,
        () -> bounded.validate(compiler, ConfigSource.of("c.yml", yaml), PipelineContext.branch("main")));
  }

  @Test
  void aValidConfigCompilesAsItWouldOnTheCallersThread() {
    ConfigCompiler compiler = new ConfigCompiler(OrbStore.empty());
    String yaml = "version: 2.1\njobs:\n  build: {docker: [{image: alpine}], steps: [checkout]}\n";
    CompileResult r = bounded.compile(compiler, ConfigSource.of("c.yml", yaml), PipelineContext.branch("main"));
    assertThat(r.ok()).isTrue();
    assertThat(r.workflows().get(0).job("build").steps()).hasSize(1);
  }

  @Test
  void anOutOfMemoryErrorBecomesAnError() {
    CompileResult r = validate(throwing(new OutOfMemoryError("Java heap space")), WITH_ORB);
    assertThat(r.errors()).extracting(Diagnostic::format).containsExactly(
        "c.yml:1:1: error: compiling the config needs more memory than is available; the config is too large");
  }

  @Test
  void aStackOverflowBecomesAnError() {
    CompileResult r = validate(throwing(new StackOverflowError()), WITH_ORB);
    assertThat(r.errors()).extracting(Diagnostic::format).containsExactly("c.yml:1:1: error: the config nests too deeply to compile");
  }

  @Test
  void anyOtherErrorBecomesAnInternalErrorWithoutAStackTrace() {
    CompileResult r = validate(throwing(new LinkageError("boom")), WITH_ORB);
    assertThat(r.errors()).extracting(Diagnostic::format).containsExactly("c.yml:1:1: error: internal compiler error (LinkageError)");
  }

  @Test
  void aCompileThatOutlivesItsLimitIsAbandonedWithAnError() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    ConfigCompiler stuck = new ConfigCompiler((ns, name, version) -> {
      // Work the compiler cannot interrupt: it only stops at its own checkpoints.
      awaitQuietly(release);
      return Optional.empty();
    }, CompileLimits.DEFAULT.withTimeout(Duration.ofMillis(200)));
    try {
      CompileResult r = validate(stuck, WITH_ORB);
      assertThat(r.errors()).extracting(Diagnostic::format).containsExactly(
          "c.yml:1:1: error: compiling did not finish within 400 ms; the config is too expensive to compile");
    } finally {
      release.countDown();
    }
  }

  @Test
  void aCompileThatFindsNoFreeThreadThrowsInsteadOfBlamingTheConfig() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ConfigCompiler stuck = new ConfigCompiler((ns, name, version) -> {
      entered.countDown();
      awaitQuietly(release);
      return Optional.empty();
    }, CompileLimits.DEFAULT.withTimeout(Duration.ofMillis(200)));
    CompletableFuture<CompileResult> first = CompletableFuture.supplyAsync(() -> validate(stuck, WITH_ORB));
    try {
      assertThat(entered.await(60, TimeUnit.SECONDS)).isTrue();
      ConfigCompiler other = new ConfigCompiler(OrbStore.empty(), CompileLimits.DEFAULT.withTimeout(Duration.ofMillis(200)));
      assertThatThrownBy(() -> validate(other, "version: 2.1\n"))
          .isInstanceOf(BoundedCompiler.Unavailable.class)
          .hasMessageContaining("every compile thread stayed busy");
    } finally {
      release.countDown();
    }
    assertThat(first.get(60, TimeUnit.SECONDS).ok()).isFalse();
  }

  @Test
  void theCompilersOwnClockStopsWorkAtTheLineItReached() {
    StringBuilder yaml = new StringBuilder("version: 2.1\njobs:\n");
    for (int i = 0; i < 50; i++) {
      yaml.append("  j").append(i).append(": {docker: [{image: alpine}], steps: [checkout, {run: make}]}\n");
    }
    yaml.append("workflows: {w: {jobs: [").append(String.join(", ",
        IntStream.range(0, 50).mapToObj(i -> "j" + i).toList())).append("]}}\n");
    ConfigCompiler compiler = new ConfigCompiler(OrbStore.empty(), CompileLimits.DEFAULT.withTimeout(Duration.ofNanos(1)));
    CompileResult r = compiler.validate(ConfigSource.of("c.yml", yaml.toString()), PipelineContext.branch("main"));
    assertThat(r.errors()).extracting(Diagnostic::format).singleElement().asString()
        .matches("c\\.yml:\\d+:\\d+: error: compiling took longer than 0 ms and was stopped here; .*");
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
