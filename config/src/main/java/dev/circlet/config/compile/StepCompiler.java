package dev.circlet.config.compile;

import dev.circlet.config.logic.Logic;
import dev.circlet.config.model.Step;
import dev.circlet.config.params.ParamBinder;
import dev.circlet.config.params.Substitutor;
import dev.circlet.config.yaml.YMap;
import dev.circlet.config.yaml.YNode;
import dev.circlet.config.yaml.YScalar;
import dev.circlet.config.yaml.YSeq;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Expands a steps list: built-in steps become {@link Step}s, commands are invoked with their
 * parameters (recursively), {@code when}/{@code unless} are decided and {@code steps} splices.
 * Every step item, command invocations included, is charged to the compile's budget first.
 */
final class StepCompiler {
  private static final Set<String> CONDITIONAL = Set.of("when", "unless");

  private final Compilation c;
  private final BuiltinSteps builtins;

  StepCompiler(Compilation c) {
    this.c = c;
    this.builtins = new BuiltinSteps(c.diags);
  }

  List<Step> expand(YNode steps, Registry home) {
    List<Step> out = new ArrayList<>();
    expand(steps, home, 0, out);
    return out;
  }

  private void expand(YNode steps, Registry home, int depth, List<Step> out) {
    if (Nodes.isNull(steps)) {
      return;
    }
    if (!(steps instanceof YSeq seq)) {
      c.diags.error(steps.pos(), "steps must be a list, got " + steps.kind());
      return;
    }
    for (YNode item : seq.items()) {
      step(item, home, depth, out);
    }
  }

  private void step(YNode item, Registry home, int depth, List<Step> out) {
    Diags d = c.diags;
    c.budget.step(item.pos());
    switch (item) {
      case YSeq nested -> expand(nested, home, depth, out);
      case YScalar s when s.isString() -> invoke(s.text(), s, null, home, depth, out);
      case YMap m when m.size() == 1 -> {
        YMap.Entry e = m.entries().get(0);
        invoke(e.key(), item, e.value(), home, depth, out);
      }
      case YMap m when misIndented(m) != null -> {
        // "- slack/status:" with "channel: x" beside it: CircleCI reads the siblings as the arguments.
        YMap.Entry name = misIndented(m);
        List<YMap.Entry> args = m.entries().stream().filter(e -> e != name).toList();
        d.warn(name.keyPos(), "the arguments of step '" + name.key() + "' sit beside its name; they are read as its"
            + " arguments (indent them under '" + name.key() + ":')");
        invoke(name.key(), item, new YMap(args, m.pos()), home, depth, out);
      }
      default -> d.error(item.pos(), "a step must be a name or a map with one key, got " + item.kind()
          + (item instanceof YMap m ? " with keys " + m.size() : ""));
    }
  }

  /** The one null-valued key of a step map with several keys, if exactly one is null; else null. */
  private static YMap.Entry misIndented(YMap m) {
    List<YMap.Entry> empty = m.entries().stream().filter(e -> Nodes.isNull(e.value())).toList();
    return m.size() > 1 && empty.size() == 1 ? empty.get(0) : null;
  }

  private void invoke(String name, YNode at, YNode args, Registry home, int depth, List<Step> out) {
    Diags d = c.diags;
    String underscored = name.replace('-', '_');
    if (!underscored.equals(name) && BuiltinSteps.NAMES.contains(underscored) && home.command(name) == null) {
      if (!c.version.equals("2.1")) {
        // Version 2 configs may spell built-in steps with hyphens (restore-cache); CircleCI runs them.
        name = underscored;
      } else if (!home.fromMissingOrb(name)) {
        d.error(at.pos(), "unknown step or command '" + name + "'; the built-in step is '" + underscored + "'");
        return;
      }
    }
    if (name.equals("steps")) {
      expand(args, home, depth, out);
      return;
    }
    if (CONDITIONAL.contains(name)) {
      conditional(name, at, args, home, depth, out);
      return;
    }
    if (BuiltinSteps.NAMES.contains(name)) {
      Step s = builtins.compile(name, at, args);
      if (s != null) {
        out.add(s);
      }
      return;
    }
    Element cmd = home.command(name);
    if (cmd == null) {
      if (!home.fromMissingOrb(name)) {
        d.error(at.pos(), "unknown step or command '" + name + "'");
      }
      return;
    }
    int maxDepth = c.budget.limits().maxCommandDepth();
    if (depth >= maxDepth) {
      d.error(at.pos(), "commands nest deeper than " + maxDepth + " levels (does '" + name + "' invoke itself?)");
      return;
    }
    List<YMap.Entry> given = List.of();
    if (args instanceof YMap m) {
      given = m.entries();
    } else if (!Nodes.isNull(args)) {
      d.error(args.pos(), "arguments of command '" + name + "' must be a map, got " + args.kind());
      return;
    }
    Map<String, YNode> params = ParamBinder.bind(cmd.params(), given, cmd.describe(), at.pos(), d);
    YNode body = cmd.body().get("steps");
    if (body == null) {
      d.error(cmd.body().pos(), cmd.describe() + " has no steps");
      return;
    }
    Nodes.warnUnknown(cmd.body(), Set.of("steps", "parameters", "description"), cmd.describe(), d);
    YNode substituted = Substitutor.apply(body, c.base.withParameters(params, cmd.describe()), d);
    expand(substituted, cmd.home(), depth + 1, out);
  }

  private void conditional(String name, YNode at, YNode args, Registry home, int depth, List<Step> out) {
    Diags d = c.diags;
    if (!(args instanceof YMap m) || !m.has("condition") || !m.has("steps")) {
      d.error(at.pos(), "'" + name + "' step needs 'condition' and 'steps'");
      return;
    }
    Nodes.warnUnknown(m, Set.of("condition", "steps"), "'" + name + "' step", d);
    boolean cond = Logic.eval(m.get("condition"), c.values, d);
    // Like CircleCI, steps whose condition is false are dropped unchecked: an orb's optional step
    // (a command parameter left empty) never runs, so it cannot make the config invalid.
    if (cond == name.equals("when")) {
      expand(m.get("steps"), home, depth, out);
    }
  }
}
