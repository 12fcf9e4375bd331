import type { ApiClient } from '../api/client';
import { between, duration, when } from '../format';
import { href } from '../router';
import { ErrorBox, useLoad } from './common';

/** The Organization's admission queue: running against capacity, and why each waiting Build waits. */
export function QueuePage({ api }: { api: ApiClient }) {
  const { data, error } = useLoad(() => api.queue(), [], 5000);
  return (
    <main>
      <h1>Queue</h1>
      {error && <ErrorBox error={error} />}
      {data && (
        <>
          <p class="queue-summary">
            Organization <strong>{data.organization}</strong>: <strong>{data.running}</strong> running of{' '}
            <strong>{data.capacity}</strong>, <strong>{data.queued}</strong> queued.
          </p>
          <meter min={0} max={Math.max(1, data.capacity)} value={data.running} aria-label="Running builds against capacity" />
          <table class="grid">
            <caption class="sr-only">Waiting builds</caption>
            <thead><tr><th scope="col">Build</th><th scope="col">Job</th><th scope="col">Queued at</th><th scope="col">Waiting</th><th scope="col">Reason</th></tr></thead>
            <tbody>
              {data.waiting.length === 0 && <tr><td colSpan={5}>Nothing is waiting.</td></tr>}
              {data.waiting.map((w) => (
                <tr key={`${w.namespace}/${w.name}`}>
                  <td><a href={href.build(w.namespace, w.name)}>{w.namespace}/{w.name}</a></td>
                  <td>{w.job}</td>
                  <td>{when(w.queuedAt)}</td>
                  <td>{duration(between(w.queuedAt))}</td>
                  <td>{w.reason ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </main>
  );
}
