import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api/client';
import { stateClass } from '../format';

/** A state shown as a coloured badge with its name, so colour is never the only signal. */
export function StateBadge({ state }: { state: string | null | undefined }) {
  return <span class={`badge badge-${stateClass(state)}`}>{state ? state.replace(/_/g, ' ') : 'Unknown'}</span>;
}

export function ErrorBox({ error }: { error: unknown }) {
  const message = error instanceof ApiError
    ? `${error.status === 404 ? 'Not found' : error.title}: ${error.message}`
    : String((error as Error)?.message ?? error);
  return <div class="error" role="alert">{message}</div>;
}

export function Section({ title, children, id }: { title: string; children: ComponentChildren; id?: string }) {
  return (
    <section class="card" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

/**
 * Loads data and reloads it every {@code pollMs} while {@code keepPolling(data)} says it may still
 * change; {@code reload()} refreshes at once (after an action).
 */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[], pollMs = 0, keepPolling: (d: T) => boolean = () => true) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [tick, setTick] = useState(0);
  const latest = useRef(0);
  useEffect(() => {
    const call = ++latest.current;
    let timer: ReturnType<typeof setTimeout> | undefined;
    load().then(
      (d) => {
        if (call !== latest.current) return;
        setData(d);
        setError(null);
        if (pollMs > 0 && keepPolling(d)) timer = setTimeout(() => setTick((t) => t + 1), pollMs);
      },
      (e) => {
        if (call !== latest.current) return;
        setError(e);
        if (pollMs > 0 && !(e instanceof ApiError && e.status < 500)) timer = setTimeout(() => setTick((t) => t + 1), pollMs);
      },
    );
    return () => clearTimeout(timer);
  }, [...deps, tick]);
  return { data, error, reload: () => setTick((t) => t + 1) };
}
