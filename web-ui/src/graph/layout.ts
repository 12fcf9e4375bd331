import type { WorkflowJob } from '../api/types';

/** A box in the workflow graph: one job, or the instances of one matrix or parallel group. */
export interface GraphNode {
  id: string;
  label: string;
  jobs: WorkflowJob[];
  state: string;
  column: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface GraphEdge {
  from: string;
  to: string;
  path: string;
}

export interface GraphLayout {
  nodes: GraphNode[];
  edges: GraphEdge[];
  width: number;
  height: number;
}

export const NODE_WIDTH = 220;
export const HEADER_HEIGHT = 30;
export const ROW_HEIGHT = 26;
export const GAP_X = 56;
export const GAP_Y = 16;
/** Top and bottom border of a box, drawn outside its rows. */
export const BORDER = 2;

// Which state a group shows when its instances differ: what needs attention first.
const GROUP_PRECEDENCE = ['Failed', 'Running', 'OnHold', 'Blocked', 'Canceled', 'NotRun', 'Succeeded'];

/** Rows a job takes in a group box: one per Build of a parallel job, else one. */
export function rowsOf(job: WorkflowJob): number {
  return Math.max(1, job.builds?.length ?? 0);
}

/** The state a group shows for its instances' states. */
export function groupState(states: string[]): string {
  for (const s of GROUP_PRECEDENCE) if (states.includes(s)) return s;
  return states[0] ?? 'Blocked';
}

/**
 * Lays out a workflow's jobs left to right: each job's column is the longest chain of requires
 * before it, matrix and parallel instances (same {@code group}) share one box, and boxes within a
 * column are ordered by their predecessors' positions to keep edges from crossing. Requires naming
 * a job outside the workflow are ignored; a cycle (which the config compiler refuses) is broken
 * rather than looping.
 */
export function layoutWorkflow(jobs: WorkflowJob[]): GraphLayout {
  const nodeOf = new Map<string, string>();
  const members = new Map<string, WorkflowJob[]>();
  for (const job of jobs) {
    const id = job.group ? `group:${job.group}` : `job:${job.name}`;
    nodeOf.set(job.name, id);
    if (!members.has(id)) members.set(id, []);
    members.get(id)!.push(job);
  }
  const preds = new Map<string, Set<string>>();
  for (const [id, list] of members) {
    const set = new Set<string>();
    for (const job of list) {
      for (const r of job.requires ?? []) {
        const p = nodeOf.get(r);
        if (p && p !== id) set.add(p);
      }
    }
    preds.set(id, set);
  }

  const column = new Map<string, number>();
  const visiting = new Set<string>();
  const depth = (id: string): number => {
    const known = column.get(id);
    if (known !== undefined) return known;
    if (visiting.has(id)) return 0;
    visiting.add(id);
    let d = 0;
    for (const p of preds.get(id) ?? []) d = Math.max(d, depth(p) + 1);
    visiting.delete(id);
    column.set(id, d);
    return d;
  };
  for (const id of members.keys()) depth(id);

  const columns: string[][] = [];
  for (const id of members.keys()) {
    const c = column.get(id)!;
    (columns[c] ??= []).push(id);
  }

  const nodes = new Map<string, GraphNode>();
  let height = 0;
  columns.forEach((ids, c) => {
    const centre = (id: string) => {
      const ps = [...(preds.get(id) ?? [])].map((p) => nodes.get(p)).filter((n): n is GraphNode => !!n);
      return ps.length === 0 ? Number.MAX_SAFE_INTEGER : ps.reduce((a, n) => a + n.y + n.height / 2, 0) / ps.length;
    };
    const ordered = [...ids].sort((a, b) => centre(a) - centre(b) || labelOf(a).localeCompare(labelOf(b)));
    let y = 0;
    for (const id of ordered) {
      const list = members.get(id)!;
      const grouped = id.startsWith('group:');
      const h = HEADER_HEIGHT + (grouped ? list.reduce((n, j) => n + rowsOf(j), 0) * ROW_HEIGHT : 0) + BORDER;
      nodes.set(id, {
        id,
        label: labelOf(id),
        jobs: list,
        state: groupState(list.map((j) => j.state)),
        column: c,
        x: c * (NODE_WIDTH + GAP_X),
        y,
        width: NODE_WIDTH,
        height: h,
      });
      y += h + GAP_Y;
    }
    height = Math.max(height, y - GAP_Y);
  });

  const edges: GraphEdge[] = [];
  for (const [id, set] of preds) {
    const to = nodes.get(id)!;
    for (const p of [...set].sort()) {
      const from = nodes.get(p)!;
      edges.push({ from: p, to: id, path: curve(from, to) });
    }
  }
  const width = columns.length === 0 ? 0 : columns.length * (NODE_WIDTH + GAP_X) - GAP_X;
  return { nodes: [...nodes.values()], edges, width, height: Math.max(0, height) };
}

function labelOf(id: string): string {
  return id.slice(id.indexOf(':') + 1);
}

function curve(from: GraphNode, to: GraphNode): string {
  const x1 = from.x + from.width;
  const y1 = from.y + HEADER_HEIGHT / 2;
  const x2 = to.x;
  const y2 = to.y + HEADER_HEIGHT / 2;
  const mid = (x1 + x2) / 2;
  return `M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`;
}
