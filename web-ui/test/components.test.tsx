import { render } from 'preact';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiClient, type FetchLike } from '../src/api/client';
import type { WorkflowRun } from '../src/api/types';
import { LogView } from '../src/components/LogView';
import { WorkflowGraph } from '../src/components/WorkflowGraph';

const E = '\x1b[';
let root: HTMLElement;

function mount(node: preact.ComponentChild) {
  root = document.createElement('div');
  document.body.appendChild(root);
  render(node, root);
  return root;
}

afterEach(() => {
  render(null, root);
  root.remove();
});

async function until(cond: () => boolean, what: string) {
  const deadline = Date.now() + 10_000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function api(fetchFn: FetchLike, token: string | null = 't') {
  return new ApiClient({ get: () => token, set: () => undefined, clear: () => undefined }, fetchFn);
}

describe('LogView', () => {
  const log = `${E}32mPASS${E}0m one\n<b>not markup</b>\n${E}31mFAIL${E}0m two\n`
    + Array.from({ length: 5000 }, (_, i) => `filler ${i}`).join('\n') + '\nlast FAIL three\n';

  it('renders a finished step with colours as text, only the lines in view, and finds matches', async () => {
    const seen: RequestInit[] = [];
    const el = mount(
      <LogView
        api={api(async (_u, init) => { seen.push(init!); return new Response(log); })}
        namespace="team" build="b" step={2} live={false} stepName="test"
      />,
    );
    await until(() => el.querySelector('.log-state')?.textContent?.startsWith('5004 lines') ?? false, 'the log');
    expect((seen[0].headers as Record<string, string>).Authorization).toBe('Bearer t');
    const lines = el.querySelectorAll('.log-line');
    expect(lines.length).toBeGreaterThan(3);
    expect(lines.length).toBeLessThan(100);
    expect(lines[0].querySelector('.ansi-fg-green')?.textContent).toBe('PASS');
    expect(lines[1].querySelector('b')).toBeNull();
    expect(lines[1].textContent).toContain('<b>not markup</b>');
    expect(el.querySelector('a')?.getAttribute('href')).toBe('/api/v1/builds/team/b/steps/2/log');

    const input = el.querySelector('input[type=search]') as HTMLInputElement;
    input.value = 'fail';
    input.dispatchEvent(new Event('input'));
    await until(() => el.textContent!.includes('1 of 2'), 'the match count');
    expect([...el.querySelectorAll('mark')].map((m) => m.textContent)).toContain('FAIL');
    (el.querySelectorAll('button')[1] as HTMLButtonElement).click();
    await until(() => el.textContent!.includes('2 of 2'), 'the next match');
    await until(() => el.querySelector('.log-hit')?.textContent?.includes('last FAIL three') ?? false, 'the last match in view');
  });

  it('follows a running step over the live tail and resumes from the byte it reached', async () => {
    // "one\n" is bytes [0, 4); the second connection replays it in one event with "two\n" [4, 8).
    const first = 'id: 4\ndata: one\ndata: \n\n';
    const second = 'id: 8\ndata: one\ndata: two\ndata: \n\nevent: end\ndata: {"ended":true,"length":8}\n\n';
    const resumes: string[] = [];
    const el = mount(
      <LogView
        api={api(async (url, init) => {
          const h = init!.headers as Record<string, string>;
          if (url.endsWith('/log')) {
            const [from, to] = h.Range.slice('bytes='.length).split('-').map(Number);
            return new Response('one\ntwo\n'.slice(from, to + 1), { status: 206 });
          }
          resumes.push(h['Last-Event-ID']);
          return new Response(resumes.length === 1 ? first : second);
        })}
        namespace="team" build="b" step={0} live stepName="run"
      />,
    );
    await until(() => el.querySelector('.log-state')?.textContent === '2 lines · ended', 'the end of the log');
    expect([...el.querySelectorAll('.log-line')].map((l) => l.textContent)).toEqual(['1one', '2two']);
    expect(resumes).toEqual(['0', '4']);
  });
});

describe('WorkflowGraph', () => {
  const wf: WorkflowRun = {
    namespace: 'team', name: 'shop-1-ci', workflow: 'ci', phase: 'OnHold',
    jobs: [
      { name: 'build', job: 'build', type: 'build', state: 'Succeeded', build: 'shop-1-ci-build', requires: [], group: null, durationMs: 65000 },
      { name: 'test-0', job: 'test', type: 'build', state: 'Succeeded', build: 'shop-1-ci-test-0', requires: ['build'], group: 'test' },
      { name: 'test-1', job: 'test', type: 'build', state: 'Failed', build: 'shop-1-ci-test-1', requires: ['build'], group: 'test' },
      { name: 'hold', job: 'hold', type: 'approval', state: 'OnHold', build: null, requires: ['test-0', 'test-1'], group: null },
      { name: 'e2e', job: 'e2e', type: 'build', state: 'Running', build: 'shop-1-ci-e2e-0', builds: ['shop-1-ci-e2e-0', 'shop-1-ci-e2e-1'], requires: ['build'], group: 'e2e' },
    ],
  };

  it('draws boxes with state names, links to builds and approves a held job', async () => {
    const posts: { url: string; body: string }[] = [];
    let changed = 0;
    const el = mount(
      <WorkflowGraph
        wf={wf}
        api={api(async (url, init) => { posts.push({ url, body: String(init?.body) }); return new Response(null, { status: 202 }); })}
        onChange={() => changed++}
      />,
    );
    expect([...el.querySelectorAll('.node')].map((n) => (n as HTMLElement).dataset.node)).toEqual(['build', 'e2e', 'test', 'hold']);
    expect(el.querySelectorAll('.edges path')).toHaveLength(3);
    const e2e = el.querySelector('[data-node="e2e"]')!;
    expect([...e2e.querySelectorAll('a')].map((a) => [a.textContent, a.getAttribute('href')])).toEqual([
      ['#0', '/ui/builds/team/shop-1-ci-e2e-0'], ['#1', '/ui/builds/team/shop-1-ci-e2e-1'],
    ]);
    const test = el.querySelector('[data-node="test"]')!;
    expect(test.className).toContain('node-bad');
    expect(test.textContent).toContain('Failed · 2');
    expect([...test.querySelectorAll('a')].map((a) => a.getAttribute('href'))).toEqual(['/ui/builds/team/shop-1-ci-test-0', '/ui/builds/team/shop-1-ci-test-1']);
    expect(el.querySelector('[data-node="build"]')!.textContent).toContain('1m 05s');
    (el.querySelector('[data-node="hold"] button') as HTMLButtonElement).click();
    await until(() => changed === 1, 'the approval');
    expect(posts).toEqual([{ url: '/api/v1/workflows/team/shop-1-ci/approve', body: '{"job":"hold"}' }]);
  });
});
