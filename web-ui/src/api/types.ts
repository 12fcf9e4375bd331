// The gateway's REST API v1 as the UI reads it (docs/ui.md lists the endpoints). Extra fields the
// gateway adds are ignored; every field here is one the contract names.

export interface Page<T> {
  items: T[];
  next: string | null;
}

export interface Me {
  organization: string;
  token?: { name: string; scopes: string[] } | null;
}

export interface RunSummary {
  id: string;
  number: number;
  status: string;
  createdAt: string;
}

export interface BranchRuns {
  branch: string;
  lastRun: RunSummary | null;
}

export interface PipelineSummary {
  namespace: string;
  name: string;
  repository: string;
  branches: BranchRuns[];
}

export interface Trigger {
  source?: string | null;
  branch?: string | null;
  tag?: string | null;
  revision?: string | null;
  subject?: string | null;
  author?: string | null;
  actor?: string | null;
  prNumber?: number | null;
}

export interface WorkflowJob {
  name: string;
  job: string;
  type: 'build' | 'approval';
  state: string;
  build: string | null;
  /** Every Build of the job: one per parallel node when the job has {@code parallelism}. */
  builds?: string[];
  requires: string[];
  group: string | null;
  startedAt?: string | null;
  finishedAt?: string | null;
  durationMs?: number | null;
}

export interface WorkflowRun {
  namespace: string;
  name: string;
  workflow: string;
  phase: string;
  startedAt?: string | null;
  finishedAt?: string | null;
  jobs: WorkflowJob[];
}

export interface Run {
  id: string;
  number: number;
  pipeline: { namespace: string; name: string };
  status: string;
  createdAt: string;
  trigger: Trigger;
  workflows: WorkflowRun[];
}

export interface Step {
  index: number;
  name: string;
  status: string;
  exitCode?: number | null;
  startedAt?: string | null;
  finishedAt?: string | null;
  durationMs?: number | null;
  logBytes?: number | null;
}

export interface Build {
  namespace: string;
  name: string;
  job: string;
  workflow: string;
  phase: string;
  resourceClass?: string | null;
  nodePool?: string | null;
  pod?: string | null;
  queuedAt?: string | null;
  admittedAt?: string | null;
  startedAt?: string | null;
  finishedAt?: string | null;
  queueReason?: string | null;
  exitSummary?: string | null;
  steps: Step[];
}

export interface TestResult {
  classname: string;
  name: string;
  file?: string | null;
  result: 'passed' | 'failed' | 'skipped' | 'error';
  message?: string | null;
  durationMs?: number | null;
}

export interface Artifact {
  path: string;
  sizeBytes: number;
  /** Where to download it; null when the installation does not serve artifacts. */
  url: string | null;
}

export interface QueueEntry {
  namespace: string;
  name: string;
  job: string;
  queuedAt: string;
  reason?: string | null;
}

export interface Queue {
  organization: string;
  running: number;
  capacity: number;
  queued: number;
  waiting: QueueEntry[];
}
