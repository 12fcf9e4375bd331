package dev.circlet.runner.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HostWriteCheckTest {
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      // command | reasons joined by "; " (empty: none)
      "npm ci && npm test | ''",
      "sudo npm install -g yarn | uses sudo; installs npm packages globally",
      "sudo apt-get update && sudo apt-get install -y libpq-dev | uses sudo; installs system packages (apt-get)",
      "apk add --no-cache curl | installs system packages (apk)",
      "yarn global add serve | installs npm packages globally",
      "pip install -r requirements.txt | runs pip install outside a virtualenv",
      "python -m venv .venv && . .venv/bin/activate && pip install -r requirements.txt | ''",
      "pip install --user tox | ''",
      "echo hi > /etc/motd | writes to /etc/motd",
      "echo hi > out.txt 2>/dev/null | ''",
      "mkdir -p /workspace && cp -r dist /srv/www | writes to /workspace, /srv/www",
      "mkdir -p /tmp/x && echo > /dev/null | ''",
      "go build -o $HOME/bin/app ./... | ''",
      "pseudo-sudo --version | ''",
  })
  void flagsWhatWouldChangeThisMachine(String command, String want) {
    List<String> reasons = HostWriteCheck.reasons(command);
    assertThat(String.join("; ", reasons)).isEqualTo(want);
  }
}
