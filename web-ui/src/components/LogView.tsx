import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { ApiClient } from '../api/client';
import { colourClass, type Segment } from '../logs/ansi';
import { LogBuffer } from '../logs/logBuffer';
import { findMatches, highlight } from '../logs/search';
import { LogTail } from '../logs/tail';
import { scrollTopFor, visibleWindow } from '../logs/virtual';

export const LINE_HEIGHT = 18;

function SegmentSpan({ seg, query }: { seg: Segment; query: string }) {
  const s = seg.style;
  const cls = [colourClass('fg', s.fg), colourClass('bg', s.bg), s.bold && 'ansi-bold', s.dim && 'ansi-dim',
    s.italic && 'ansi-italic', s.underline && 'ansi-underline'].filter(Boolean).join(' ');
  const style: Record<string, string> = {};
  if (s.fg?.startsWith('#')) style.color = s.fg;
  if (s.bg?.startsWith('#')) style.backgroundColor = s.bg;
  const parts = highlight(seg.text, query);
  return (
    <span class={cls || undefined} style={style}>
      {parts.map((p) => (p.hit ? <mark>{p.text}</mark> : p.text))}
    </span>
  );
}

/**
 * One step's log: fetched whole when the step has finished, followed over the live tail while it
 * runs. Only the lines in view are in the DOM, so a 50,000-line log scrolls as fast as a short one.
 */
export function LogView({ api, namespace, build, step, live, stepName }: {
  api: ApiClient; namespace: string; build: string; step: number; live: boolean; stepName: string;
}) {
  const log = useMemo(() => new LogBuffer(), [namespace, build, step]);
  const [revision, setRevision] = useState(0);
  const [state, setState] = useState<string>('connecting');
  const [query, setQuery] = useState('');
  const [current, setCurrent] = useState(0);
  const [follow, setFollow] = useState(live);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(480);
  const box = useRef<HTMLDivElement>(null);
  const rawUrl = api.logUrl(namespace, build, step);

  useEffect(() => {
    let frame = 0;
    const changed = () => {
      if (!frame) frame = requestAnimationFrame(() => { frame = 0; setRevision(log.revision); });
    };
    const tail = new LogTail({
      streamUrl: api.logStreamUrl(namespace, build, step),
      rawUrl,
      fetch: api.fetch,
      headers: () => api.authHeaders(),
      onText: (text) => { log.append(text); changed(); },
      onState: (s, detail) => setState(detail ? `${s}: ${detail}` : s),
    });
    if (live) {
      tail.run();
    } else {
      api.fetch(rawUrl, { headers: api.authHeaders(), credentials: 'same-origin' })
        .then(async (res) => {
          if (!res.ok) throw new Error(`the raw log answered ${res.status}`);
          log.append(await res.text());
          changed();
          setState('ended');
        })
        .catch((e) => setState(`error: ${e.message}`));
    }
    return () => { tail.stop(); cancelAnimationFrame(frame); };
    // A step that finishes while followed ends its tail by itself; re-running this would repeat lines.
  }, [log]);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const measure = () => setViewport(el.clientHeight || 480);
    measure();
    const ro = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(measure);
    ro?.observe(el);
    return () => ro?.disconnect();
  }, []);

  const matches = useMemo(() => findMatches(log, query), [log, query, revision]);

  useEffect(() => {
    if (follow && box.current) box.current.scrollTop = log.length * LINE_HEIGHT;
  }, [revision, follow]);

  const goTo = (i: number) => {
    if (matches.length === 0) return;
    const n = ((i % matches.length) + matches.length) % matches.length;
    setCurrent(n);
    setFollow(false);
    const top = scrollTopFor(matches[n], viewport, LINE_HEIGHT);
    if (box.current) box.current.scrollTop = top;
    // Render the match's window now rather than on the scroll event, which a jump may not send.
    setScrollTop(top);
  };

  const openRaw = async (e: Event) => {
    // A link cannot carry the Authorization header, so the raw log is fetched and shown as a blob.
    if (!api.authHeaders().Authorization) return;
    e.preventDefault();
    const res = await api.fetch(rawUrl, { headers: api.authHeaders() });
    const url = URL.createObjectURL(new Blob([await res.arrayBuffer()], { type: 'text/plain;charset=utf-8' }));
    window.open(url, '_blank', 'noopener');
    setTimeout(() => URL.revokeObjectURL(url), 60000);
  };

  const win = visibleWindow(scrollTop, viewport, LINE_HEIGHT, log.length);
  const hit = matches.length ? matches[Math.min(current, matches.length - 1)] : -1;
  const lines = [];
  for (let i = win.first; i < win.last; i++) {
    const line = log.line(i);
    lines.push(
      <div class={`log-line${i === hit ? ' log-hit' : ''}`} style={{ top: `${i * LINE_HEIGHT}px` }} key={i} data-line={i + 1}>
        <span class="log-no" aria-hidden="true">{i + 1}</span>
        {line.segments.map((seg) => <SegmentSpan seg={seg} query={query} />)}
      </div>,
    );
  }

  return (
    <div class="logview">
      <div class="log-toolbar">
        <label>
          Search log
          <input
            type="search"
            value={query}
            onInput={(e) => { setQuery((e.target as HTMLInputElement).value); setCurrent(0); }}
            onKeyDown={(e) => { if (e.key === 'Enter') { e.preventDefault(); goTo(current + (e.shiftKey ? -1 : 1)); } }}
          />
        </label>
        <span role="status" aria-live="polite" class="muted">
          {query ? (matches.length ? `${Math.min(current, matches.length - 1) + 1} of ${matches.length}` : 'no matches') : ''}
        </span>
        <button type="button" onClick={() => goTo(current - 1)} disabled={!matches.length}>Previous</button>
        <button type="button" onClick={() => goTo(current + 1)} disabled={!matches.length}>Next</button>
        <label class="check">
          <input type="checkbox" checked={follow} onChange={(e) => setFollow((e.target as HTMLInputElement).checked)} />
          Follow
        </label>
        <a href={rawUrl} onClick={openRaw} target="_blank" rel="noopener">Raw log</a>
        <span class="muted log-state" data-state={state}>{log.length} lines · {state}</span>
      </div>
      <div
        ref={box}
        class="log-box"
        tabIndex={0}
        role="log"
        aria-label={`Log of step ${stepName}`}
        onScroll={(e) => {
          const el = e.currentTarget as HTMLDivElement;
          setScrollTop(el.scrollTop);
          if (follow && el.scrollTop + el.clientHeight < el.scrollHeight - LINE_HEIGHT * 2) setFollow(false);
        }}
      >
        <div class="log-lines" style={{ height: `${log.length * LINE_HEIGHT}px` }}>{lines}</div>
      </div>
    </div>
  );
}
