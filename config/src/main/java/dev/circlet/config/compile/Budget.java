package dev.circlet.config.compile;

import dev.circlet.config.CompileLimits;
import dev.circlet.config.yaml.ConfigError;
import dev.circlet.config.yaml.Pos;

/**
 * What one compile has spent of its {@link CompileLimits}: jobs, steps, substituted text and time.
 * Every charge is made before the work it pays for; crossing a limit throws a {@link ConfigError}
 * at the place being compiled, which ends the compile with that one error.
 */
public final class Budget {
  /** Clock reads are cheap but not free: look at the clock every this many ticks. */
  private static final int TICKS_PER_CLOCK_READ = 256;

  private final CompileLimits limits;
  private final long deadline;
  private int jobs;
  private int steps;
  private long chars;
  private int ticks;

  public Budget(CompileLimits limits) {
    this.limits = limits;
    this.deadline = System.nanoTime() + limits.timeout().toNanos();
  }

  public CompileLimits limits() {
    return limits;
  }

  /** Pays for one job instance created at {@code at}. */
  public void job(Pos at) {
    tick(at);
    if (++jobs > limits.maxJobs()) {
      throw new ConfigError(at, "the config expands to more than " + limits.maxJobs()
          + " jobs (matrices and repeated jobs included); split it or reduce the matrix");
    }
  }

  /** Pays for one step (a built-in step or a command invocation) expanded at {@code at}. */
  public void step(Pos at) {
    tick(at);
    if (++steps > limits.maxSteps()) {
      throw new ConfigError(at, "the config expands to more than " + limits.maxSteps()
          + " steps (command invocations included); do commands invoke other commands many times?");
    }
  }

  /** Pays for {@code n} characters of text built by substitution at {@code at}. */
  public void text(long n, Pos at) {
    tick(at);
    chars += n;
    if (chars > limits.maxSubstitutedChars()) {
      throw new ConfigError(at, "parameter substitution builds more than " + limits.maxSubstitutedChars()
          + " characters of text; does a parameter grow at each command level?");
    }
  }

  /** A unit of work at {@code at}: ends the compile once its time is up. */
  public void tick(Pos at) {
    if (++ticks % TICKS_PER_CLOCK_READ == 0 && System.nanoTime() - deadline > 0) {
      throw new ConfigError(at, "compiling took longer than " + limits.timeout().toMillis()
          + " ms and was stopped here; the config is too expensive to compile");
    }
  }
}
