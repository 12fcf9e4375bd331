package dev.circlet.gateway.schedule;

import dev.circlet.api.v1alpha1.Pipeline;
import dev.circlet.config.BoundedCompiler;
import dev.circlet.config.CompileResult;
import dev.circlet.config.ConfigCompiler;
import dev.circlet.config.ConfigSource;
import dev.circlet.config.PipelineContext;
import dev.circlet.config.model.Schedule;
import dev.circlet.gateway.trigger.ConfigLoader;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The workflow schedules ({@code triggers: - schedule:}) of a Pipeline's config on its default
 * branch. An inline config is compiled again only when the Pipeline changes; a config in the
 * repository is fetched again at most every {@code refresh}, so schedules cost no git fetch per pass.
 * When a refresh fails, the schedules last read stay in force.
 */
public final class ConfigSchedules implements Function<Pipeline, List<Schedule>> {
  private record Cached(String version, Instant readAt, List<Schedule> schedules) {}

  private final ConfigLoader loader;
  private final ConfigCompiler compiler;
  private final BoundedCompiler bounded;
  private final Clock clock;
  private final Duration refresh;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();

  public ConfigSchedules(ConfigLoader loader, ConfigCompiler compiler, BoundedCompiler bounded, Clock clock,
      Duration refresh) {
    this.loader = loader;
    this.compiler = compiler;
    this.bounded = bounded;
    this.clock = clock;
    this.refresh = refresh;
  }

  @Override
  public List<Schedule> apply(Pipeline p) {
    if (p.getSpec() == null || p.getSpec().repository == null) {
      return List.of();
    }
    String key = p.getMetadata().getNamespace() + "/" + p.getMetadata().getName();
    String version = p.getMetadata().getUid() + "/" + p.getMetadata().getResourceVersion();
    boolean inline = p.getSpec().config != null && !p.getSpec().config.isBlank();
    Instant now = clock.instant();
    Cached c = cache.get(key);
    if (c != null && c.version().equals(version) && (inline || now.isBefore(c.readAt().plus(refresh)))) {
      return c.schedules();
    }
    List<Schedule> schedules;
    try {
      schedules = read(p);
    } catch (RuntimeException e) {
      if (c != null) {
        cache.put(key, new Cached(c.version(), now, c.schedules()));
        return c.schedules();
      }
      throw e;
    }
    cache.put(key, new Cached(version, now, schedules));
    return schedules;
  }

  private List<Schedule> read(Pipeline p) {
    String branch = PipelineSchedules.defaultBranch(p.getSpec());
    ConfigLoader.Loaded config;
    try {
      config = loader.load(p, "refs/heads/" + branch);
    } catch (ConfigLoader.ConfigNotFoundException e) {
      return List.of();
    }
    CompileResult r = bounded.compile(compiler, ConfigSource.of(config.name(), config.text()),
        PipelineContext.builder().branch(branch).build());
    return r.schedules();
  }
}
