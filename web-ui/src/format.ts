// Small formatting rules shared by the pages: durations, times and state names.

export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return '';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

/** Milliseconds between two RFC 3339 times, or from {@code from} until now when {@code to} is missing. */
export function between(from?: string | null, to?: string | null, now = Date.now()): number | null {
  if (!from) return null;
  const a = Date.parse(from);
  const b = to ? Date.parse(to) : now;
  return Number.isFinite(a) && Number.isFinite(b) ? Math.max(0, b - a) : null;
}

export function when(t?: string | null): string {
  if (!t) return '';
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? t : d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

/**
 * A state name in one spelling: the API writes workflow phases and job states as enum names
 * ({@code OnHold}) and run statuses in snake case ({@code on_hold}, {@code success}).
 */
export function normState(state: string | null | undefined): string {
  const s = (state ?? '').toLowerCase().replace(/[_\s-]/g, '');
  return s === 'success' ? 'succeeded' : s === 'cancelled' ? 'canceled' : s;
}

/** The CSS modifier of a state: one palette for run statuses, phases, job states, steps and tests. */
export function stateClass(state: string | null | undefined): string {
  switch (normState(state)) {
    case 'succeeded': case 'passed': case 'approved': return 'ok';
    case 'failed': case 'failure': case 'error': case 'timedout': case 'invalidconfig': return 'bad';
    case 'running': case 'admitted': return 'run';
    case 'onhold': return 'hold';
    case 'canceled': case 'notrun': case 'skipped': case 'filtered': return 'off';
    default: return 'wait';
  }
}

const TERMINAL = new Set([
  'succeeded', 'passed', 'approved', 'failed', 'failure', 'error', 'canceled', 'timedout', 'notrun', 'skipped',
  'invalidconfig', 'filtered',
]);

export function isTerminal(state: string | null | undefined): boolean {
  return TERMINAL.has(normState(state));
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}
