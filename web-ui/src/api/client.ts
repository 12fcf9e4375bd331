import type {
  Artifact, Build, Me, Page, PipelineSummary, Queue, Run, TestResult, WorkflowRun,
} from './types';
import type { TokenStore } from './session';

/** A failed API call: the HTTP status and the problem+json detail the gateway sent. */
export class ApiError extends Error {
  constructor(readonly status: number, readonly title: string, detail: string) {
    super(detail || title || `HTTP ${status}`);
  }
}

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

const enc = encodeURIComponent;

/**
 * The one place the UI talks to the gateway. With a token it sends {@code Authorization: Bearer};
 * without one it relies on the authenticating proxy in front of the gateway to add its header.
 */
export class ApiClient {
  constructor(private readonly tokens: TokenStore, private readonly fetchFn: FetchLike = (i, r) => fetch(i, r)) {}

  /** Headers that authenticate a request (empty in proxy mode). */
  authHeaders(): Record<string, string> {
    const token = this.tokens.get();
    return token ? { Authorization: `Bearer ${token}` } : {};
  }

  get fetch(): FetchLike {
    return this.fetchFn;
  }

  async get<T>(path: string): Promise<T> {
    return this.send<T>('GET', path);
  }

  async send<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json', ...this.authHeaders() };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await this.fetchFn(path, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin',
    });
    if (!res.ok) throw await problem(res);
    const text = await res.text();
    return (text ? JSON.parse(text) : {}) as T;
  }

  me(): Promise<Me> {
    return this.get('/api/v1/me');
  }

  pipelines(cursor?: string | null): Promise<Page<PipelineSummary>> {
    return this.get(cursor ?? '/api/v1/pipelines?limit=100');
  }

  run(id: string): Promise<Run> {
    return this.get(`/api/v1/runs/${enc(id)}`);
  }

  workflow(ns: string, name: string): Promise<WorkflowRun> {
    return this.get(`/api/v1/workflows/${enc(ns)}/${enc(name)}`);
  }

  approve(ns: string, name: string, job: string): Promise<unknown> {
    return this.send('POST', `/api/v1/workflows/${enc(ns)}/${enc(name)}/approve`, { job });
  }

  cancelWorkflow(ns: string, name: string): Promise<unknown> {
    return this.send('POST', `/api/v1/workflows/${enc(ns)}/${enc(name)}/cancel`);
  }

  rerun(ns: string, name: string, failedOnly: boolean): Promise<{ id?: string; run?: string; workflow?: string }> {
    return this.send('POST', `/api/v1/workflows/${enc(ns)}/${enc(name)}/rerun`, { failedOnly });
  }

  build(ns: string, name: string): Promise<Build> {
    return this.get(`/api/v1/builds/${enc(ns)}/${enc(name)}`);
  }

  cancelBuild(ns: string, name: string): Promise<unknown> {
    return this.send('POST', `/api/v1/builds/${enc(ns)}/${enc(name)}/cancel`);
  }

  tests(ns: string, name: string): Promise<Page<TestResult>> {
    return this.get(`/api/v1/builds/${enc(ns)}/${enc(name)}/tests?limit=500`);
  }

  artifacts(ns: string, name: string): Promise<Page<Artifact>> {
    return this.get(`/api/v1/builds/${enc(ns)}/${enc(name)}/artifacts?limit=500`);
  }

  queue(): Promise<Queue> {
    return this.get('/api/v1/queue');
  }

  /** The raw log of one step (text/plain), the same bytes the live tail carries. */
  logUrl(ns: string, name: string, step: number): string {
    return `/api/v1/builds/${enc(ns)}/${enc(name)}/steps/${step}/log`;
  }

  logStreamUrl(ns: string, name: string, step: number): string {
    return `${this.logUrl(ns, name, step)}/stream`;
  }
}

async function problem(res: Response): Promise<ApiError> {
  let title = res.statusText;
  let detail = '';
  try {
    const body = await res.json();
    title = body.title ?? title;
    detail = body.detail ?? '';
  } catch {
    // A proxy's HTML error page: the status says enough.
  }
  return new ApiError(res.status, title, detail);
}
