import type { ApiClient } from '../api/client';
import type { WorkflowJob, WorkflowRun } from '../api/types';
import { between, duration, stateClass } from '../format';
import { layoutWorkflow, rowsOf } from '../graph/layout';
import { href } from '../router';
import { ActionButton } from './ActionButton';

function jobDuration(j: WorkflowJob): string {
  return duration(j.durationMs ?? between(j.startedAt, j.finishedAt));
}

function JobLine({ job, wf, api, onChange, compact, node }: {
  job: WorkflowJob; wf: WorkflowRun; api: ApiClient; onChange: () => void; compact: boolean; node?: number;
}) {
  // Inside a group box the group's name is the heading; an instance shows what tells it apart.
  const group = job.group ?? '';
  const short = compact && group && job.name.startsWith(group)
    ? job.name.slice(group.length).replace(/^[-_ ]+/, '') || job.name
    : job.name;
  const label = node === undefined ? short : `${short === job.name && compact ? '' : `${short} `}#${node}`;
  const build = node === undefined ? job.build : job.builds?.[node] ?? null;
  return (
    <div class={`job job-${stateClass(job.state)}`}>
      {build
        ? <a href={href.build(wf.namespace, build)} title={`${job.name}: ${job.state}`}>{label}</a>
        : <span title={`${job.name}: ${job.state}`}>{label}</span>}
      <span class="job-state">{job.state}</span>
      <span class="job-time">{jobDuration(job)}</span>
      {job.type === 'approval' && job.state === 'OnHold' && (
        <ActionButton label="Approve" done="Approved" run={() => api.approve(wf.namespace, wf.name, job.name)} onDone={onChange} />
      )}
    </div>
  );
}

/**
 * A workflow's jobs as a graph: requires edges, matrix and parallel instances in one box, each
 * job coloured and labelled by state with its duration; approval jobs on hold can be approved here.
 */
export function WorkflowGraph({ wf, api, onChange }: { wf: WorkflowRun; api: ApiClient; onChange: () => void }) {
  const layout = layoutWorkflow(wf.jobs);
  return (
    <div class="graph-scroll">
      <div class="graph" style={{ width: `${layout.width}px`, height: `${layout.height}px` }} role="list" aria-label={`Jobs of ${wf.workflow}`}>
        <svg class="edges" width={layout.width} height={layout.height} aria-hidden="true">
          {layout.edges.map((e) => <path key={`${e.from}>${e.to}`} d={e.path} />)}
        </svg>
        {layout.nodes.map((n) => (
          <div
            key={n.id}
            role="listitem"
            class={`node node-${stateClass(n.state)}`}
            style={{ left: `${n.x}px`, top: `${n.y}px`, width: `${n.width}px`, height: `${n.height}px` }}
            data-node={n.label}
          >
            {n.id.startsWith('group:')
              ? (
                <>
                  <div class="node-head"><span>{n.label}</span><span class="job-state">{n.state} · {n.jobs.reduce((c, j) => c + rowsOf(j), 0)}</span></div>
                  {n.jobs.flatMap((j) => ((j.builds?.length ?? 0) > 1
                    ? j.builds!.map((_, i) => <JobLine key={`${j.name}#${i}`} job={j} wf={wf} api={api} onChange={onChange} compact node={i} />)
                    : [<JobLine key={j.name} job={j} wf={wf} api={api} onChange={onChange} compact />]))}
                </>
              )
              : <JobLine job={n.jobs[0]} wf={wf} api={api} onChange={onChange} compact={false} />}
          </div>
        ))}
      </div>
    </div>
  );
}
