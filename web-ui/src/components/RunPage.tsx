import type { ApiClient } from '../api/client';
import type { Run, WorkflowRun } from '../api/types';
import { between, duration, isTerminal, when } from '../format';
import { href, navigate } from '../router';
import { ActionButton } from './ActionButton';
import { ErrorBox, StateBadge, useLoad } from './common';
import { WorkflowGraph } from './WorkflowGraph';

function TriggerInfo({ run }: { run: Run }) {
  const t = run.trigger ?? {};
  const ref = t.tag ? `tag ${t.tag}` : t.branch ? `branch ${t.branch}` : '';
  return (
    <dl class="facts">
      <div><dt>Ref</dt><dd>{ref || '—'}{t.prNumber ? ` (PR #${t.prNumber})` : ''}</dd></div>
      <div><dt>Commit</dt><dd class="mono">{t.revision ? t.revision.slice(0, 12) : '—'}</dd></div>
      <div><dt>Subject</dt><dd>{t.subject || '—'}</dd></div>
      <div><dt>Author</dt><dd>{t.author || '—'}</dd></div>
      <div><dt>Actor</dt><dd>{t.actor || '—'}</dd></div>
      <div><dt>Source</dt><dd>{t.source || '—'}</dd></div>
      <div><dt>Created</dt><dd>{when(run.createdAt)}</dd></div>
    </dl>
  );
}

function WorkflowCard({ wf, api, onChange }: { wf: WorkflowRun; api: ApiClient; onChange: () => void }) {
  const done = isTerminal(wf.phase);
  const anyFailed = wf.jobs.some((j) => j.state === 'Failed' || j.state === 'Canceled');
  const afterRerun = (r: { id?: string; run?: string }) => {
    const id = r?.id ?? r?.run;
    if (id) navigate(href.run(id));
    else onChange();
  };
  return (
    <section class="card" aria-labelledby={`wf-${wf.name}`}>
      <div class="card-head">
        <h2 id={`wf-${wf.name}`}>{wf.workflow} <StateBadge state={wf.phase} /></h2>
        <span class="muted">{duration(between(wf.startedAt, wf.finishedAt))}</span>
        <span class="actions">
          {!done && <ActionButton label="Cancel workflow" danger done="Cancel requested" confirm={`Cancel ${wf.workflow}?`} run={() => api.cancelWorkflow(wf.namespace, wf.name)} onDone={onChange} />}
          {done && <ActionButton label="Rerun" done="Rerun started" run={() => api.rerun(wf.namespace, wf.name, false).then(afterRerun)} />}
          {done && anyFailed && <ActionButton label="Rerun failed" done="Rerun started" run={() => api.rerun(wf.namespace, wf.name, true).then(afterRerun)} />}
        </span>
      </div>
      <WorkflowGraph wf={wf} api={api} onChange={onChange} />
    </section>
  );
}

/** One pipeline run: what triggered it and each workflow's job graph with its actions. */
export function RunPage({ api, id }: { api: ApiClient; id: string }) {
  const { data, error, reload } = useLoad(() => api.run(id), [id], 3000, (r) => !isTerminal(r.status));
  return (
    <main>
      {error && <ErrorBox error={error} />}
      {!data && !error && <p aria-busy="true">Loading…</p>}
      {data && (
        <>
          <h1>
            {data.pipeline.namespace}/{data.pipeline.name} #{data.number} <StateBadge state={data.status} />
          </h1>
          <TriggerInfo run={data} />
          {data.workflows.map((wf) => <WorkflowCard key={wf.name} wf={wf} api={api} onChange={reload} />)}
        </>
      )}
    </main>
  );
}
