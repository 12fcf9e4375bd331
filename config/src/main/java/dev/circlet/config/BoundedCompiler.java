package dev.circlet.config;

import dev.circlet.config.yaml.Pos;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Runs compiles on a small pool of its own threads, so that a config written by one tenant cannot
 * take the caller's thread (an operator's reconcile thread) with it. Each compile gets the
 * compiler's {@link CompileLimits#timeout()}; every way a compile can fail (an error, a stack
 * overflow, an allocation the heap cannot satisfy, running out of time) becomes a failed
 * {@link CompileResult} with one diagnostic and no stack trace. Only a compile that never got a
 * thread throws ({@link Unavailable}), because that is no fault of the config.
 */
public final class BoundedCompiler implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(BoundedCompiler.class.getName());
  /** The caller waits up to this much longer than the compile's own limit, which normally ends it first. */
  private static final Duration MAX_GRACE = Duration.ofSeconds(5);
  /** A free thread normally starts a compile at once; this floor keeps a loaded machine from looking busy. */
  private static final Duration MIN_START_WAIT = Duration.ofSeconds(2);
  /** Deep but legitimate nesting (YAML, commands, lists) fits easily; overflow is still caught. */
  private static final long STACK_BYTES = 16L * 1024 * 1024;

  private final ThreadPoolExecutor pool;

  /** A pool of {@code threads} compile threads, created on demand and gone when idle. */
  public BoundedCompiler(int threads) {
    AtomicInteger n = new AtomicInteger();
    this.pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
      Thread t = new Thread(null, r, "circlet-compile-" + n.incrementAndGet(), STACK_BYTES);
      t.setDaemon(true);
      return t;
    });
    pool.allowCoreThreadTimeOut(true);
  }

  /** {@link ConfigCompiler#compile} on a pool thread, bounded. */
  public CompileResult compile(ConfigCompiler compiler, ConfigSource source, PipelineContext ctx) {
    return run(compiler, source, () -> compiler.compile(source, ctx));
  }

  /** {@link ConfigCompiler#validate} on a pool thread, bounded. */
  public CompileResult validate(ConfigCompiler compiler, ConfigSource source, PipelineContext ctx) {
    return run(compiler, source, () -> compiler.validate(source, ctx));
  }

  private CompileResult run(ConfigCompiler compiler, ConfigSource source, Supplier<CompileResult> work) {
    Duration timeout = compiler.limits().timeout();
    Duration limit = timeout.plus(timeout.compareTo(MAX_GRACE) < 0 ? timeout : MAX_GRACE);
    CountDownLatch started = new CountDownLatch(1);
    FutureTask<CompileResult> task = new FutureTask<>(() -> {
      started.countDown();
      return guarded(source, work);
    });
    pool.execute(task);
    try {
      Duration startWait = limit.compareTo(MIN_START_WAIT) < 0 ? MIN_START_WAIT : limit;
      if (!started.await(startWait.toMillis(), TimeUnit.MILLISECONDS)) {
        task.cancel(false);
        pool.remove(task);
        throw new Unavailable("every compile thread stayed busy for " + startWait.toMillis() + " ms");
      }
      return task.get(limit.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      // The compile's own clock normally stops it first; this is for work between its checkpoints.
      return failed(source, "compiling did not finish within " + limit.toMillis()
          + " ms; the config is too expensive to compile");
    } catch (ExecutionException e) {
      return failed(source, "internal compiler error (" + e.getCause().getClass().getSimpleName() + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      task.cancel(false);
      throw new Unavailable("interrupted while waiting for the compile");
    }
  }

  private static CompileResult guarded(ConfigSource source, Supplier<CompileResult> work) {
    try {
      return work.get();
    } catch (StackOverflowError e) {
      return failed(source, "the config nests too deeply to compile");
    } catch (OutOfMemoryError e) {
      return failed(source, "compiling the config needs more memory than is available; the config is too large");
    } catch (Throwable e) {
      LOG.log(System.Logger.Level.WARNING, "compiling " + source.name() + " failed", e);
      return failed(source, "internal compiler error (" + e.getClass().getSimpleName() + ")");
    }
  }

  private static CompileResult failed(ConfigSource source, String message) {
    return new CompileResult(List.of(Diagnostic.error(Pos.of(source.name()), message)), List.of(), List.of(), List.of(),
        List.of());
  }

  /** Stops the pool; compiles still running finish on their own time limit. */
  @Override
  public void close() {
    pool.shutdownNow();
  }

  /** A compile could not run at all (no thread became free, or the caller was interrupted). */
  public static final class Unavailable extends RuntimeException {
    Unavailable(String message) {
      super("the config compiler is unavailable: " + message);
    }
  }
}
