package dev.circlet.config.params;

/** The parameter types of CircleCI 2.1. */
public enum ParamType {
  STRING("string"),
  BOOLEAN("boolean"),
  INTEGER("integer"),
  ENUM("enum"),
  EXECUTOR("executor"),
  STEPS("steps"),
  ENV_VAR_NAME("env_var_name");

  private final String yamlName;

  ParamType(String yamlName) {
    this.yamlName = yamlName;
  }

  public String yamlName() {
    return yamlName;
  }

  public static ParamType of(String name) {
    for (ParamType t : values()) {
      if (t.yamlName.equals(name)) {
        return t;
      }
    }
    return null;
  }
}
