package dev.circlet.config;

import java.util.regex.Pattern;

/**
 * Whether a config is the first phase of dynamic configuration ({@code setup: true} at its top
 * level), read from the text so the gateway and {@code circlet run} can tell before compiling.
 */
public final class SetupConfig {
  private static final Pattern SETUP = Pattern.compile("(?m)^setup:[ \\t]*(true|\"true\"|'true')[ \\t]*(#.*)?$");

  private SetupConfig() {}

  /** Whether a config's top level says {@code setup: true}. */
  public static boolean isSetup(String configText) {
    return configText != null && SETUP.matcher(configText).find();
  }
}
