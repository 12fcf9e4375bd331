package dev.circlet.gateway.webhook;

import java.util.Locale;

/** The version control systems whose webhooks Circlet accepts. */
public enum Provider {
  GITHUB,
  GITLAB,
  BITBUCKET;

  /** The lower-case name used in URLs, Pipeline specs and records. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The provider named {@code id} (case-insensitive), or null when there is none. */
  public static Provider fromId(String id) {
    for (Provider p : values()) {
      if (p.id().equalsIgnoreCase(id)) {
        return p;
      }
    }
    return null;
  }
}
