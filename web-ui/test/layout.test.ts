import { describe, expect, it } from 'vitest';
import type { WorkflowJob } from '../src/api/types';
import { BORDER, GAP_X, GAP_Y, HEADER_HEIGHT, NODE_WIDTH, ROW_HEIGHT, groupState, layoutWorkflow } from '../src/graph/layout';

function job(name: string, requires: string[] = [], extra: Partial<WorkflowJob> = {}): WorkflowJob {
  return { name, job: name, type: 'build', state: 'Succeeded', build: `wf-${name}`, requires, group: null, ...extra };
}

const byId = (jobs: WorkflowJob[]) => Object.fromEntries(layoutWorkflow(jobs).nodes.map((n) => [n.id, n]));

describe('layoutWorkflow', () => {
  it('puts each job in the column after the longest chain of its requires', () => {
    const n = byId([job('build'), job('lint', ['build']), job('test', ['build']), job('deploy', ['lint', 'test']), job('notify', ['build', 'deploy'])]);
    expect([n['job:build'].column, n['job:lint'].column, n['job:test'].column, n['job:deploy'].column, n['job:notify'].column])
      .toEqual([0, 1, 1, 2, 3]);
    expect(n['job:deploy'].x).toBe(2 * (NODE_WIDTH + GAP_X));
  });

  it('groups matrix and parallel instances into one box and draws one edge per pair of boxes', () => {
    const layout = layoutWorkflow([
      job('build'),
      job('test-18', ['build'], { group: 'test', state: 'Succeeded' }),
      job('test-20', ['build'], { group: 'test', state: 'Failed' }),
      job('test-22', ['build'], { group: 'test', state: 'Running' }),
      job('deploy', ['test-18', 'test-20', 'test-22']),
    ]);
    const test = layout.nodes.find((x) => x.id === 'group:test')!;
    expect(test.jobs.map((j) => j.name)).toEqual(['test-18', 'test-20', 'test-22']);
    expect(test.state).toBe('Failed');
    expect(test.height).toBe(HEADER_HEIGHT + 3 * ROW_HEIGHT + BORDER);
    expect(layout.edges.map((e) => `${e.from}>${e.to}`).sort()).toEqual(['group:test>job:deploy', 'job:build>group:test']);
  });

  it('stacks boxes of one column without overlap and reports the total size', () => {
    const layout = layoutWorkflow([job('a'), job('b'), job('c', [], { group: 'g' }), job('d', [], { group: 'g' })]);
    const col = layout.nodes.filter((x) => x.column === 0).sort((p, q) => p.y - q.y);
    for (let i = 1; i < col.length; i++) expect(col[i].y).toBe(col[i - 1].y + col[i - 1].height + GAP_Y);
    const last = col[col.length - 1];
    expect(layout.height).toBe(last.y + last.height);
    expect(layout.width).toBe(NODE_WIDTH);
  });

  it('orders a column by where its predecessors sit, so edges do not cross', () => {
    const n = byId([job('a'), job('b'), job('after-b', ['b']), job('after-a', ['a'])]);
    expect(n['job:a'].y).toBeLessThan(n['job:b'].y);
    expect(n['job:after-a'].y).toBeLessThan(n['job:after-b'].y);
  });

  it('ignores requires naming jobs outside the workflow and survives a cycle', () => {
    const n = byId([job('a', ['ghost']), job('b', ['c']), job('c', ['b'])]);
    expect(n['job:a'].column).toBe(0);
    expect(Object.keys(n).sort()).toEqual(['job:a', 'job:b', 'job:c']);
  });

  it('lays out an empty workflow as nothing', () => {
    expect(layoutWorkflow([])).toEqual({ nodes: [], edges: [], width: 0, height: 0 });
  });
});

describe('groupState', () => {
  it.each([
    [['Succeeded', 'Failed', 'Running'], 'Failed'],
    [['Succeeded', 'Running'], 'Running'],
    [['OnHold', 'Blocked'], 'OnHold'],
    [['Succeeded', 'Blocked'], 'Blocked'],
    [['Succeeded', 'Canceled'], 'Canceled'],
    [['Succeeded', 'Succeeded'], 'Succeeded'],
  ])('%j shows %s', (states, shown) => {
    expect(groupState(states)).toBe(shown);
  });
});

describe('parallel jobs', () => {
  it('give a job with several Builds one row per Build in its group box', () => {
    const layout = layoutWorkflow([
      job('build'),
      job('e2e', ['build'], { group: 'e2e', builds: ['wf-e2e-0', 'wf-e2e-1', 'wf-e2e-2', 'wf-e2e-3'] }),
    ]);
    const e2e = layout.nodes.find((x) => x.id === 'group:e2e')!;
    expect(e2e.height).toBe(HEADER_HEIGHT + 4 * ROW_HEIGHT + BORDER);
  });
});
