import type { ApiClient } from '../api/client';
import type { Build, Step, TestResult } from '../api/types';
import { between, bytes, duration, isTerminal, stateClass, when } from '../format';
import { href } from '../router';
import { ActionButton } from './ActionButton';
import { ErrorBox, Section, StateBadge, useLoad } from './common';
import { LogView } from './LogView';

function stepDuration(s: Step): string {
  return duration(s.durationMs ?? between(s.startedAt, s.finishedAt));
}

function stepRunning(s: Step): boolean {
  return !isTerminal(s.status);
}

function Placement({ b }: { b: Build }) {
  const waited = between(b.queuedAt, b.admittedAt);
  return (
    <dl class="facts">
      <div><dt>Job</dt><dd>{b.job}</dd></div>
      <div><dt>Workflow</dt><dd>{b.workflow}</dd></div>
      <div><dt>Resource class</dt><dd>{b.resourceClass || '—'}</dd></div>
      <div><dt>Node pool</dt><dd>{b.nodePool || '—'}</dd></div>
      <div><dt>Queued</dt><dd>{when(b.queuedAt)}</dd></div>
      <div>
        <dt>Queue time</dt>
        <dd>{waited === null ? '—' : duration(waited)}{b.admittedAt ? '' : ' (waiting)'}{b.queueReason ? ` — ${b.queueReason}` : ''}</dd>
      </div>
      <div><dt>Run time</dt><dd>{duration(between(b.startedAt, b.finishedAt)) || '—'}</dd></div>
      {b.exitSummary && <div><dt>Exit</dt><dd>{b.exitSummary}</dd></div>}
    </dl>
  );
}

function Tests({ api, b }: { api: ApiClient; b: Build }) {
  const { data, error } = useLoad(() => api.tests(b.namespace, b.name), [b.namespace, b.name, b.phase]);
  if (error) return <ErrorBox error={error} />;
  if (!data) return <p aria-busy="true">Loading…</p>;
  const rank = (t: TestResult) => (t.result === 'failed' || t.result === 'error' ? 0 : t.result === 'skipped' ? 2 : 1);
  const items = [...data.items].sort((a, b2) => rank(a) - rank(b2));
  const failed = items.filter((t) => rank(t) === 0).length;
  if (items.length === 0) return <p class="muted">No test results were stored for this build.</p>;
  return (
    <>
      <p>{items.length} tests, <strong>{failed} failed</strong>.</p>
      <ul class="tests">
        {items.map((t) => (
          <li class={`test test-${stateClass(t.result)}`}>
            <details open={rank(t) === 0}>
              <summary>
                <span class={`badge badge-${stateClass(t.result)}`}>{t.result}</span> {t.classname} › {t.name}
                <span class="muted"> {duration(t.durationMs)}</span>
              </summary>
              {t.file && <div class="mono muted">{t.file}</div>}
              {t.message && <pre class="test-message">{t.message}</pre>}
            </details>
          </li>
        ))}
      </ul>
    </>
  );
}

function Artifacts({ api, b }: { api: ApiClient; b: Build }) {
  const { data, error } = useLoad(() => api.artifacts(b.namespace, b.name), [b.namespace, b.name, b.phase]);
  if (error) return <ErrorBox error={error} />;
  if (!data) return <p aria-busy="true">Loading…</p>;
  if (data.items.length === 0) return <p class="muted">No artifacts.</p>;
  return (
    <ul class="artifacts">
      {data.items.map((a) => (
        <li>{a.url ? <a href={a.url} download>{a.path}</a> : <span class="mono">{a.path}</span>} <span class="muted">{bytes(a.sizeBytes)}</span></li>
      ))}
    </ul>
  );
}

/** One Build: placement and queue time, steps with their logs, test results and artifacts. */
export function BuildPage({ api, namespace, name, step }: { api: ApiClient; namespace: string; name: string; step: number | null }) {
  const { data: b, error, reload } = useLoad(() => api.build(namespace, name), [namespace, name], 3000, (d) => !isTerminal(d.phase));
  if (error && !b) return <main><ErrorBox error={error} /></main>;
  if (!b) return <main><p aria-busy="true">Loading…</p></main>;
  const selected = b.steps.find((s) => s.index === step)
    ?? b.steps.find((s) => stateClass(s.status) === 'bad')
    ?? b.steps.find(stepRunning)
    ?? b.steps[b.steps.length - 1];
  // A Build that ended (canceled, timed out) may leave its running step without an end event: its
  // log is then read whole instead of waiting on a tail that will not end.
  const live = !!selected && stepRunning(selected) && !isTerminal(b.phase);
  return (
    <main>
      <h1>
        {b.namespace}/{b.name} <StateBadge state={b.phase} />
      </h1>
      <div class="actions">
        {!isTerminal(b.phase) && (
          <ActionButton label="Cancel build" danger done="Cancel requested" confirm={`Cancel ${b.name}?`} run={() => api.cancelBuild(b.namespace, b.name)} onDone={reload} />
        )}
        <a href={href.queue()}>Queue</a>
      </div>
      <Placement b={b} />
      <div class="build-body">
        <nav class="steps" aria-label="Steps">
          <ol>
            {b.steps.map((s) => (
              <li>
                <a
                  href={href.build(b.namespace, b.name, s.index)}
                  class={`step step-${stateClass(s.status)}`}
                  aria-current={selected?.index === s.index ? 'step' : undefined}
                >
                  <span class="step-name">{s.name}</span>
                  <span class={`badge badge-${stateClass(s.status)}`}>{s.status}</span>
                  <span class="muted">{stepDuration(s)}</span>
                </a>
              </li>
            ))}
          </ol>
        </nav>
        <div class="step-log">
          {selected
            ? (
              <LogView
                key={`${b.name}/${selected.index}/${live ? 'live' : 'whole'}`}
                api={api}
                namespace={b.namespace}
                build={b.name}
                step={selected.index}
                stepName={selected.name}
                live={live}
              />
            )
            : <p class="muted">No steps have started yet.</p>}
        </div>
      </div>
      <Section title="Tests" id="tests"><Tests api={api} b={b} /></Section>
      <Section title="Artifacts" id="artifacts"><Artifacts api={api} b={b} /></Section>
    </main>
  );
}
