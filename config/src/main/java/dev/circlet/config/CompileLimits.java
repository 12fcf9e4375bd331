package dev.circlet.config;

import java.time.Duration;

/**
 * Bounds on the work one compile may do, so that a config written by one tenant cannot stall or
 * exhaust the process that compiles it (the operator compiles every tenant's inline config).
 * Each bound is checked while the config is expanded, before the work is done or the memory
 * allocated, and crossing it is an error at the line and column that crossed it.
 *
 * <p>The defaults sit far above real configs and far below what hurts. Measured: the 1,157-line
 * benchmark config (100 jobs, commands with parameters, a parameterised executor, a 3×4 matrix)
 * expands to 113 jobs, 772 steps and 30,000 characters of substituted text; the realistic configs
 * of the test suite to at most 6 jobs, 22 steps and 1,200 characters. A config with 2,000 jobs of
 * 25 steps each still fits; a million jobs, ten million steps or a gigabyte of text does not.
 *
 * @param maxJobs job instances in one compile, over every workflow and after matrix expansion:
 *     2,000 (each becomes a Build; large monorepos run a few hundred per pipeline)
 * @param maxMatrixCombinations combinations of one job's {@code matrix} before {@code exclude}:
 *     256 (real matrices are products of a few short lists, such as 3 systems × 4 versions)
 * @param maxSteps steps expanded in one compile, counting each command invocation as well as each
 *     step it yields and the branches of {@code when}/{@code unless} not taken: 50,000 (2,000 jobs
 *     of 25 steps; the benchmark config uses 772)
 * @param maxCommandDepth commands invoking commands: 32 levels (real orbs nest two or three)
 * @param maxSubstitutedChars characters of text built by {@code << >>} substitution and boolean
 *     sections in one compile: 32 million, at most 64 MB of strings (the benchmark config builds
 *     30,000; a parameter that doubles at each command level would otherwise reach gigabytes
 *     within 30 levels)
 * @param timeout how long one compile may run before it stops with an error: 10 seconds (the
 *     benchmark config compiles in milliseconds, and in well under a second on a loaded machine)
 */
public record CompileLimits(
    int maxJobs,
    int maxMatrixCombinations,
    int maxSteps,
    int maxCommandDepth,
    long maxSubstitutedChars,
    Duration timeout) {
  /** The limits every Circlet entry point uses unless it is configured otherwise. */
  public static final CompileLimits DEFAULT =
      new CompileLimits(2_000, 256, 50_000, 32, 32_000_000L, Duration.ofSeconds(10));

  public CompileLimits {
    if (maxJobs < 1 || maxMatrixCombinations < 1 || maxSteps < 1 || maxCommandDepth < 1 || maxSubstitutedChars < 1) {
      throw new IllegalArgumentException("compile limits must be positive");
    }
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("the compile timeout must be positive");
    }
  }

  public CompileLimits withMaxJobs(int n) {
    return new CompileLimits(n, maxMatrixCombinations, maxSteps, maxCommandDepth, maxSubstitutedChars, timeout);
  }

  public CompileLimits withMaxMatrixCombinations(int n) {
    return new CompileLimits(maxJobs, n, maxSteps, maxCommandDepth, maxSubstitutedChars, timeout);
  }

  public CompileLimits withMaxSteps(int n) {
    return new CompileLimits(maxJobs, maxMatrixCombinations, n, maxCommandDepth, maxSubstitutedChars, timeout);
  }

  public CompileLimits withMaxCommandDepth(int n) {
    return new CompileLimits(maxJobs, maxMatrixCombinations, maxSteps, n, maxSubstitutedChars, timeout);
  }

  public CompileLimits withMaxSubstitutedChars(long n) {
    return new CompileLimits(maxJobs, maxMatrixCombinations, maxSteps, maxCommandDepth, n, timeout);
  }

  public CompileLimits withTimeout(Duration t) {
    return new CompileLimits(maxJobs, maxMatrixCombinations, maxSteps, maxCommandDepth, maxSubstitutedChars, t);
  }
}
