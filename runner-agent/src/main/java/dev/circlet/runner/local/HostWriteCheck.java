package dev.circlet.runner.local;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A best-effort look at a {@code run} step's command text, in shell mode, for what would change
 * this machine: {@code sudo}, system package managers, global npm/yarn/pip installs and writes to
 * absolute paths outside the job's directories. It reads the text only: commands built at run time
 * (variables, scripts the step calls) are not seen.
 */
public final class HostWriteCheck {
  private static final Pattern SUDO = Pattern.compile("(?<![\\w-])sudo(?![\\w-])");
  private static final Pattern SYSTEM_PACKAGES = Pattern.compile(
      "\\b(apt-get|apt|apk|yum|dnf|zypper|brew)\\s+(-\\S+\\s+)*(install|add|upgrade|update)\\b");
  private static final Pattern NPM_GLOBAL = Pattern.compile(
      "\\b(npm\\s+(install|i|add)\\b[^;&|\\n]*\\s(-g|--global)\\b|yarn\\s+global\\s+add\\b|pnpm\\s+add\\b[^;&|\\n]*\\s(-g|--global)\\b)");
  private static final Pattern PIP_INSTALL = Pattern.compile("\\bpip3?\\s+install\\b([^;&|\\n]*)");
  private static final Pattern VENV = Pattern.compile("\\b(venv|virtualenv|VIRTUAL_ENV|pipenv|poetry|conda|pipx)\\b");
  private static final Pattern PIP_CONTAINED = Pattern.compile("(^|\\s)(--user|-t|--target|--prefix|--root)(\\s|=|$)");
  private static final String ABS = "(/(?!dev/|proc/|tmp(?:/|\\b))[A-Za-z0-9_.@+-]+(?:/[A-Za-z0-9_.@+*-]*)*)";
  private static final Pattern REDIRECT = Pattern.compile("(?<![0-9&<])>>?\\s*" + ABS);
  private static final Pattern WRITER = Pattern.compile(
      "\\b(mkdir|cp|mv|rm|ln|touch|tee|install|chmod|chown|rsync|tar\\s+-?x\\S*\\s+-C)\\b[^;&|\\n]*?\\s" + ABS);

  private HostWriteCheck() {}

  /** Reasons, each a short phrase, why the command may change this machine; empty when none is seen. */
  public static List<String> reasons(String command) {
    List<String> out = new ArrayList<>();
    if (command == null || command.isBlank()) {
      return out;
    }
    if (SUDO.matcher(command).find()) {
      out.add("uses sudo");
    }
    Matcher pkg = SYSTEM_PACKAGES.matcher(command);
    if (pkg.find()) {
      out.add("installs system packages (" + pkg.group(1) + ")");
    }
    if (NPM_GLOBAL.matcher(command).find()) {
      out.add("installs npm packages globally");
    }
    Matcher pip = PIP_INSTALL.matcher(command);
    if (pip.find() && !VENV.matcher(command).find() && !PIP_CONTAINED.matcher(pip.group(1)).find()) {
      out.add("runs pip install outside a virtualenv");
    }
    List<String> paths = new ArrayList<>();
    for (Pattern p : List.of(REDIRECT, WRITER)) {
      Matcher m = p.matcher(command);
      while (m.find()) {
        String path = m.group(m.groupCount());
        if (!paths.contains(path)) {
          paths.add(path);
        }
      }
    }
    if (!paths.isEmpty()) {
      out.add("writes to " + String.join(", ", paths));
    }
    return out;
  }
}
