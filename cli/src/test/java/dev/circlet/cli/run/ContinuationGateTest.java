package dev.circlet.cli.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The local continuation endpoint's answers, body by body, and its one continuation. */
class ContinuationGateTest {
  static final String KEY = "ck_local_right";
  static final String CONFIG = "version: 2.1\\njobs: {}\\nworkflows: {}\\n";

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      not JSON                | {                                                                   | 400 | not JSON
      not an object           | [1]                                                                 | 400 | JSON object
      empty                   | ''                                                                  | 400 | JSON object
      no key                  | {"configuration": "CONFIG"}                                         | 400 | continuation-key is required
      no configuration        | {"continuation-key": "KEY"}                                         | 400 | configuration is required
      blank configuration     | {"continuation-key": "KEY", "configuration": "  "}                  | 400 | configuration is required
      a setup config          | {"continuation-key": "KEY", "configuration": "setup: true\\n"}     | 400 | must not be a setup config
      parameters not a map    | {"continuation-key": "KEY", "configuration": "CONFIG", "parameters": [1]}   | 400 | parameters must be an object
      a list parameter        | {"continuation-key": "KEY", "configuration": "CONFIG", "parameters": {"p": [1]}} | 400 | parameter p must be
      wrong key               | {"continuation-key": "ck_local_wrong", "configuration": "CONFIG"}   | 401 | not valid
      right key               | {"continuation-key": "KEY", "configuration": "CONFIG", "parameters": {"s": "x", "n": 2, "b": true}} | 200 | continued
      """)
  void answers(String name, String body, int status, String says) {
    ContinuationGate gate = new ContinuationGate(KEY, "local/app");
    ContinuationGate.Answer a = gate.offer(body.replace("CONFIG", CONFIG).replace("\"KEY\"", "\"" + KEY + "\""));
    assertThat(a.status()).as(a.json()).isEqualTo(status);
    assertThat(a.json()).contains(says);
    if (status != 200) {
      assertThat(a.body()).containsKeys("type", "title", "status", "detail");
      assertThat(gate.end()).as("a refused body continues nothing").isNull();
    }
  }

  @Test
  void continuesOnceThenRefusesWithAClearError() {
    ContinuationGate gate = new ContinuationGate(KEY, "local/app");
    String body = "{\"continuation-key\":\"" + KEY + "\",\"configuration\":\"" + CONFIG
        + "\",\"parameters\":{\"target\":\"api\",\"n\":3}}";
    assertThat(gate.offer(body).status()).isEqualTo(200);
    ContinuationGate.Answer again = gate.offer(body);
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.json()).contains("Already continued").contains("good for one continuation");
    ContinuationGate.Continuation c = gate.end();
    assertThat(c.configuration()).startsWith("version: 2.1\njobs: {}");
    assertThat(c.parameters()).isEqualTo(Map.of("target", "api", "n", 3));
    assertThat(gate.offer(body).status()).as("ending keeps the continuation").isEqualTo(409);
    assertThat(gate.end()).isEqualTo(c);
  }

  @Test
  void afterTheSetupWorkflowEndsNothingContinues() {
    ContinuationGate gate = new ContinuationGate(KEY, "local/app");
    assertThat(gate.end()).isNull();
    ContinuationGate.Answer late = gate.offer("{\"continuation-key\":\"" + KEY + "\",\"configuration\":\"" + CONFIG
        + "\"}");
    assertThat(late.status()).isEqualTo(409);
    assertThat(late.json()).contains("Pipeline ended").contains("finished without continuing");
    assertThat(gate.end()).isNull();
  }

  @Test
  void keysAreFreshAndLong() {
    var random = new java.security.SecureRandom();
    String a = ContinuationGate.newKey(random);
    assertThat(a).startsWith("ck_local_").hasSize("ck_local_".length() + 43).isNotEqualTo(ContinuationGate.newKey(random));
  }
}
