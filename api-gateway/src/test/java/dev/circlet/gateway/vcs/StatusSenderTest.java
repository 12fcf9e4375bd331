package dev.circlet.gateway.vcs;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The status sender against a local server playing each VCS API: paths, bodies and authentication
 * per provider, 5xx retried with backoff, 4xx not retried, the circuit breaker opening and closing,
 * the rate limit per credential, and API hosts outside the allowed list refused.
 */
class StatusSenderTest {
  static final String SHA = "0123456789abcdef0123456789abcdef01234567";

  final FakeVcsApi api = new FakeVcsApi();
  final FakeClock clock = new FakeClock();
  final List<Duration> sleeps = Collections.synchronizedList(new ArrayList<>());
  final StatusSender.Policy policy = new StatusSender.Policy(4, Duration.ofSeconds(1), Duration.ofSeconds(8), 2, 3,
      3, Duration.ofMinutes(1), Duration.ofSeconds(20));

  @AfterEach
  void stop() {
    api.close();
  }

  StatusSender sender() {
    return new StatusSender(HttpClient.newHttpClient(), clock, d -> {
      if (!d.isZero()) {
        sleeps.add(d);
        clock.advance(d);
      }
    }, policy, Set.of(api.hostPort()));
  }

  StatusCredentials credentials(String id, String username) {
    return new StatusCredentials(id, "s3cret", username, api.url() + "/api");
  }

  static CommitStatus status(String provider, CommitStatus.State state) {
    return new CommitStatus(provider, "example.com", "acme/app", SHA, state, "circlet/build",
        "Circlet pipeline #7: workflow build running", "https://ci.example.com/p/7");
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(delimiter = '|', textBlock = """
      github    | PENDING  |      | /api/repos/acme/app/statuses/0123456789abcdef0123456789abcdef01234567 | Authorization=Bearer s3cret | {"state":"pending","context":"circlet/build","description":"Circlet pipeline #7: workflow build running","target_url":"https://ci.example.com/p/7"}
      github    | CANCELED |      | /api/repos/acme/app/statuses/0123456789abcdef0123456789abcdef01234567 | Accept=application/vnd.github+json | "state":"error"
      gitlab    | PENDING  |      | /api/projects/acme%2Fapp/statuses/0123456789abcdef0123456789abcdef01234567 | PRIVATE-TOKEN=s3cret | {"state":"running","name":"circlet/build","description":"Circlet pipeline #7: workflow build running","target_url":"https://ci.example.com/p/7"}
      gitlab    | FAILURE  |      | /api/projects/acme%2Fapp/statuses/0123456789abcdef0123456789abcdef01234567 | PRIVATE-TOKEN=s3cret | "state":"failed"
      bitbucket | SUCCESS  |      | /api/repositories/acme/app/commit/0123456789abcdef0123456789abcdef01234567/statuses/build | Authorization=Bearer s3cret | {"state":"SUCCESSFUL","key":"circlet/build","name":"circlet/build","description":"Circlet pipeline #7: workflow build running","url":"https://ci.example.com/p/7"}
      bitbucket | PENDING  | ada  | /api/repositories/acme/app/commit/0123456789abcdef0123456789abcdef01234567/statuses/build | Authorization=Basic YWRhOnMzY3JldA== | "state":"INPROGRESS"
      """)
  void eachProviderGetsItsOwnCall(String provider, CommitStatus.State state, String username, String path,
      String header, String body) throws Exception {
    assertThat(sender().send(status(provider, state), credentials("team/vcs", username)))
        .isEqualTo(StatusSender.Result.SENT);
    assertThat(api.received).singleElement().satisfies(r -> {
      assertThat(r.method()).isEqualTo("POST");
      assertThat(r.path()).isEqualTo(path);
      String[] h = header.split("=", 2);
      assertThat(r.header(h[0])).isEqualTo(h[1]);
      assertThat(r.body()).contains(body);
    });
  }

  @Test
  void serverErrorsAreRetriedWithGrowingPauses() throws Exception {
    api.answer(502, 503);
    StatusSender s = sender();
    assertThat(s.send(status("github", CommitStatus.State.SUCCESS), credentials("team/vcs", null)))
        .isEqualTo(StatusSender.Result.SENT);
    assertThat(api.received).hasSize(3);
    assertThat(sleeps).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
    assertThat(s.breaker("team/vcs")).as("a success resets the failure count").isEqualTo(CircuitBreaker.State.CLOSED);
    api.answer(500, 500);
    assertThat(s.send(status("github", CommitStatus.State.SUCCESS), credentials("team/vcs", null)))
        .isEqualTo(StatusSender.Result.SENT);
    assertThat(sleeps).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(1),
        Duration.ofSeconds(2));
  }

  @Test
  void requestErrorsAreNotRetriedAndLeaveTheBreakerClosed() throws Exception {
    StatusSender s = sender();
    api.answer(422);
    assertThat(s.send(status("gitlab", CommitStatus.State.SUCCESS), credentials("team/vcs", null)))
        .isEqualTo(StatusSender.Result.REJECTED);
    assertThat(api.received).hasSize(1);
    assertThat(s.breaker("team/vcs")).isEqualTo(CircuitBreaker.State.CLOSED);
  }

  @Test
  void theBreakerOpensAfterRepeatedFailuresAndATrialClosesIt() throws Exception {
    StatusSender s = sender();
    api.otherwise = 503;
    assertThat(s.send(status("github", CommitStatus.State.PENDING), credentials("team/vcs", null)))
        .as("three failures open the breaker within the first call's retries")
        .isEqualTo(StatusSender.Result.CIRCUIT_OPEN);
    assertThat(api.received).hasSize(3);
    assertThat(s.breaker("team/vcs")).isEqualTo(CircuitBreaker.State.OPEN);
    assertThat(s.send(status("github", CommitStatus.State.SUCCESS), credentials("team/vcs", null)))
        .isEqualTo(StatusSender.Result.CIRCUIT_OPEN);
    assertThat(api.received).as("an open breaker calls nobody").hasSize(3);
    // Another credential has a breaker of its own.
    api.otherwise = 201;
    assertThat(s.send(status("github", CommitStatus.State.SUCCESS), credentials("other/vcs", null)))
        .isEqualTo(StatusSender.Result.SENT);
    clock.advance(Duration.ofMinutes(1));
    assertThat(s.breaker("team/vcs")).isEqualTo(CircuitBreaker.State.HALF_OPEN);
    assertThat(s.send(status("github", CommitStatus.State.SUCCESS), credentials("team/vcs", null)))
        .isEqualTo(StatusSender.Result.SENT);
    assertThat(s.breaker("team/vcs")).isEqualTo(CircuitBreaker.State.CLOSED);
    assertThat(api.received).hasSize(5);
  }

  @Test
  void eachCredentialIsRateLimited() throws Exception {
    StatusSender s = sender();
    for (int i = 0; i < 7; i++) {
      assertThat(s.send(status("github", CommitStatus.State.PENDING), credentials("team/vcs", null)))
          .isEqualTo(StatusSender.Result.SENT);
    }
    // A burst of 3, then 2 a second: the other 4 calls wait half a second each.
    assertThat(sleeps).containsExactly(Duration.ofMillis(500), Duration.ofMillis(500), Duration.ofMillis(500),
        Duration.ofMillis(500));
    assertThat(s.send(status("github", CommitStatus.State.PENDING), credentials("other/vcs", null)))
        .isEqualTo(StatusSender.Result.SENT);
    assertThat(sleeps).as("another credential has its own bucket").hasSize(4);
    assertThat(api.received).hasSize(8);
  }

  @Test
  void apiHostsOutsideTheAllowedListAreNeverCalled() throws Exception {
    StatusSender s = new StatusSender(HttpClient.newHttpClient(), clock, d -> { }, policy, Set.of("api.github.com"));
    assertThat(s.send(status("github", CommitStatus.State.PENDING), credentials("team/vcs", null)))
        .isEqualTo(StatusSender.Result.REJECTED);
    assertThat(api.received).isEmpty();
  }
}
