package dev.circlet.gateway.tokens;

import java.util.Locale;

/** What an API token may do. Each scope includes the ones below it: admin ⊃ write ⊃ read. */
public enum Scope {
  /** Read pipelines, runs and deliveries. */
  READ,
  /** Also trigger runs. */
  WRITE,
  /** Also create, list and revoke the organization's tokens. */
  ADMIN;

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether holding this scope allows what {@code required} allows. */
  public boolean covers(Scope required) {
    return ordinal() >= required.ordinal();
  }

  /** The scope named {@code id}; an unknown name is an {@link IllegalArgumentException} naming the valid ones. */
  public static Scope parse(String id) {
    for (Scope s : values()) {
      if (s.id().equals(id)) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown scope '" + id + "' (use read, write or admin)");
  }
}
