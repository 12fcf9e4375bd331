package dev.circlet.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Boolean template sections: {@code <<# x >>…<</ x >>} and {@code <<^ x >>…<</ x >>} in text. */
class SectionsTest {
  /** A command whose one step runs {@code TEXT}, invoked with {@code ARGS}; the pipeline has a boolean deploy. */
  private static String config(String text, String args) {
    return """
        version: 2.1
        parameters:
          deploy: {type: boolean, default: false}
        commands:
          c:
            parameters:
              x: {type: boolean, default: true}
              all: {type: boolean, default: false}
              short: {type: boolean, default: true}
              n: {type: string, default: web}
              flag: {type: string, default: "false"}
              st: {type: steps, default: []}
            steps:
              - run: 'TEXT'
        jobs:
          build:
            docker: [{image: alpine}]
            steps: [{c: ARGS}]
        workflows: {w: {jobs: [build]}}
        """.replace("TEXT", text.replace("'", "''")).replace("ARGS", args);
  }

  static Stream<Arguments> rendered() {
    return Stream.of(
        Arguments.of("true keeps the content", "ls <<# parameters.x >>-a<</ parameters.x >>", "{}", "ls -a"),
        Arguments.of("false drops it", "ls <<# parameters.x >>-a<</ parameters.x >>", "{x: false}", "ls "),
        Arguments.of("inverted on false", "<<^ parameters.x >>quiet<</ parameters.x >>", "{x: false}", "quiet"),
        Arguments.of("inverted on true", "run<<^ parameters.x >> quiet<</ parameters.x >>", "{}", "run"),
        Arguments.of("the documented list-files example",
            "ls <<# parameters.all >> -a <</ parameters.all >><<^ parameters.short >> -l <</ parameters.short >>",
            "{all: true, short: false}", "ls  -a  -l "),
        Arguments.of("both branches of one value", "cd <<# parameters.x >>/tmp<</ parameters.x >><<^ parameters.x >>/src<</ parameters.x >>",
            "{x: false}", "cd /src"),
        Arguments.of("references inside a kept section", "deploy<<# parameters.x >> --name << parameters.n >><</ parameters.x >>",
            "{n: api}", "deploy --name api"),
        Arguments.of("references inside a dropped section are not looked up",
            "deploy<<# parameters.x >> << parameters.nope >><</ parameters.x >>", "{x: false}", "deploy"),
        Arguments.of("nested sections", "a<<# parameters.x >>b<<^ parameters.all >>c<</ parameters.all >>d<</ parameters.x >>e",
            "{}", "abcde"),
        Arguments.of("nested in a dropped section", "a<<# parameters.all >>b<<# parameters.x >>c<</ parameters.x >><</ parameters.all >>",
            "{}", "a"),
        Arguments.of("no spaces inside the brackets", "<<#parameters.x>>on<</parameters.x>>", "{}", "on"),
        Arguments.of("pipeline parameters", "<<# pipeline.parameters.deploy >>deploy<</ pipeline.parameters.deploy >>"
            + "<<^ pipeline.parameters.deploy >>skip<</ pipeline.parameters.deploy >>", "{}", "skip"),
        Arguments.of("an empty pipeline value is false", "build<<# pipeline.git.tag >> --release<</ pipeline.git.tag >>", "{}",
            "build"),
        Arguments.of("an escaped tag stays literal", "echo \\<<# parameters.x >>", "{}", "echo <<# parameters.x >>"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rendered")
  void renders(String name, String text, String args, String expected) {
    CompileResult r = Fixtures.ok(config(text, args));
    assertThat(r.workflows().get(0).job("build").steps().get(0).command()).isEqualTo(expected);
    assertThat(r.warnings()).isEmpty();
  }

  static Stream<Arguments> errors() {
    return Stream.of(
        Arguments.of("unclosed", "<<# parameters.x >>-a",
            "config.yml:14:14: error: section '<<# parameters.x >>' is not closed; end it with '<</ parameters.x >>'"),
        Arguments.of("mismatched end", "<<# parameters.x >>-a<</ parameters.all >>",
            "config.yml:14:14: error: section end '<</ parameters.all >>' does not match its start '<<# parameters.x >>';"
                + " close it with '<</ parameters.x >>'"),
        Arguments.of("end without start", "-a<</ parameters.x >>",
            "config.yml:14:14: error: '<</ parameters.x >>' closes no section; open it with '<<# parameters.x >>' or"
                + " '<<^ parameters.x >>'"),
        Arguments.of("not a name", "<<# not valid >>x<</ not valid >>",
            "config.yml:14:14: error: '<<# not valid >>': a section names a parameter or pipeline value"),
        Arguments.of("unknown parameter", "<<# parameters.nope >>x<</ parameters.nope >>",
            "config.yml:14:14: error: unknown parameter 'nope' in command 'c'"),
        Arguments.of("a steps parameter", "<<# parameters.st >>x<</ parameters.st >>",
            "config.yml:14:14: error: '<<# parameters.st >>': 'parameters.st' is a list; a section needs a boolean"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("errors")
  void reportsMalformedSectionsAtTheirLine(String name, String text, String expected) {
    CompileResult r = Fixtures.compile(config(text, "{}"));
    assertThat(r.errors()).extracting(Diagnostic::format).first().asString().startsWith(expected);
  }

  @ParameterizedTest(name = "string value {0}")
  @MethodSource("stringValues")
  void aStringParameterWarnsAndDecidesByTruthiness(String value, String expected) {
    CompileResult r = Fixtures.ok(config("x<<# parameters.flag >>-f<</ parameters.flag >>", "{flag: \"" + value + "\"}"));
    assertThat(r.workflows().get(0).job("build").steps().get(0).command()).isEqualTo(expected);
    assertThat(r.warnings()).extracting(Diagnostic::format).singleElement().asString()
        .contains("parameter 'parameters.flag' is not a boolean").contains("declare it type: boolean");
  }

  static Stream<Arguments> stringValues() {
    return Stream.of(Arguments.of("", "x"), Arguments.of("yes", "x-f"), Arguments.of("false", "x-f"));
  }
}
