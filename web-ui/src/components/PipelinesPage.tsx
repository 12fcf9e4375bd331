import { useState } from 'preact/hooks';
import type { ApiClient } from '../api/client';
import type { PipelineSummary } from '../api/types';
import { normState, when } from '../format';
import { href } from '../router';
import { ErrorBox, StateBadge, useLoad } from './common';

const STATUSES: [string, string][] = [
  ['', 'Any'], ['running', 'Running'], ['onhold', 'On hold'], ['succeeded', 'Succeeded'], ['failed', 'Failed'],
  ['canceled', 'Canceled'],
];

async function allPipelines(api: ApiClient): Promise<PipelineSummary[]> {
  const out: PipelineSummary[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 20; pages++) {
    const page = await api.pipelines(cursor);
    out.push(...page.items);
    if (!page.next) break;
    cursor = page.next;
  }
  return out;
}

/** The caller's Organization's pipelines with the last run per branch, filtered by branch and status. */
export function PipelinesPage({ api }: { api: ApiClient }) {
  const { data, error } = useLoad(() => allPipelines(api), [], 10000);
  const [branch, setBranch] = useState('');
  const [status, setStatus] = useState('');
  const rows = (data ?? []).flatMap((p) =>
    (p.branches.length ? p.branches : [{ branch: '', lastRun: null }]).map((b) => ({ p, b })),
  ).filter(({ b }) =>
    (!branch || b.branch.toLowerCase().includes(branch.toLowerCase()))
    && (!status || normState(b.lastRun?.status) === status));
  return (
    <main>
      <h1>Pipelines</h1>
      <form class="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <label>
          Branch
          <input type="search" value={branch} onInput={(e) => setBranch((e.target as HTMLInputElement).value)} />
        </label>
        <label>
          Status
          <select value={status} onChange={(e) => setStatus((e.target as HTMLSelectElement).value)}>
            {STATUSES.map(([value, label]) => <option value={value}>{label}</option>)}
          </select>
        </label>
      </form>
      {error && <ErrorBox error={error} />}
      {!data && !error && <p aria-busy="true">Loading…</p>}
      {data && (
        <table class="grid">
          <caption class="sr-only">Last run per pipeline and branch</caption>
          <thead>
            <tr><th scope="col">Pipeline</th><th scope="col">Repository</th><th scope="col">Branch</th><th scope="col">Last run</th><th scope="col">Status</th><th scope="col">Started</th></tr>
          </thead>
          <tbody>
            {rows.length === 0 && <tr><td colSpan={6}>No pipelines match.</td></tr>}
            {rows.map(({ p, b }) => (
              <tr key={`${p.namespace}/${p.name}/${b.branch}`}>
                <td>{p.namespace}/{p.name}</td>
                <td class="mono">{p.repository}</td>
                <td>{b.branch}</td>
                <td>{b.lastRun ? <a href={href.run(b.lastRun.id)}>#{b.lastRun.number}</a> : '—'}</td>
                <td>{b.lastRun ? <StateBadge state={b.lastRun.status} /> : ''}</td>
                <td>{when(b.lastRun?.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </main>
  );
}
