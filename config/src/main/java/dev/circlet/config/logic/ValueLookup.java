package dev.circlet.config.logic;

/** Resolves a dotted pipeline name such as {@code pipeline.git.branch}; null when unknown. */
@FunctionalInterface
public interface ValueLookup {
  Object get(String dottedName);
}
