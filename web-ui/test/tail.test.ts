import { describe, expect, it } from 'vitest';
import { SseParser } from '../src/logs/sse';
import { LogTail, byteLength, place, readEvent } from '../src/logs/tail';

/** The log the server holds: numbered lines with a multi-byte character, as a real log has. */
const LOG = Array.from({ length: 30 }, (_, i) => `line ${i + 1} · ✓\n`).join('');
const BYTES = new TextEncoder().encode(LOG);
const slice = (from: number, to: number) => new TextDecoder().decode(BYTES.subarray(from, to));

/** SSE events for bytes [from, to) in pieces ending at the given offsets. */
function events(from: number, cuts: number[]): string {
  let out = '';
  let at = from;
  for (const end of cuts) {
    out += `id: ${end}\n${slice(at, end).split('\n').map((l) => `data: ${l}`).join('\n')}\n\n`;
    at = end;
  }
  return out;
}

/** Offsets of the ends of lines, so events carry whole lines like the gateway's. */
const lineEnds = [...LOG.matchAll(/\n/g)].map((m) => byteLength(LOG.slice(0, m.index! + 1)));

function streamOf(text: string, pieceSize = 7): Response {
  const bytes = new TextEncoder().encode(text);
  let at = 0;
  return new Response(new ReadableStream({
    pull(c) {
      if (at >= bytes.length) return c.close();
      c.enqueue(bytes.slice(at, at + pieceSize));
      at += pieceSize;
    },
  }), { status: 200, headers: { 'Content-Type': 'text/event-stream' } });
}

function rangeResponse(range: string | null): Response {
  const m = /^bytes=(\d+)-(\d+)$/.exec(range ?? '')!;
  return new Response(BYTES.slice(Number(m[1]), Number(m[2]) + 1), { status: 206 });
}

interface Call { url: string; headers: Record<string, string> }

async function follow(connections: ((lastEventId: number) => Response)[]) {
  const calls: Call[] = [];
  let text = '';
  const states: string[] = [];
  let n = 0;
  const tail = new LogTail({
    streamUrl: '/stream',
    rawUrl: '/raw',
    headers: () => ({ Authorization: 'Bearer t' }),
    fetch: async (url, init) => {
      const headers = (init?.headers ?? {}) as Record<string, string>;
      calls.push({ url, headers });
      if (url === '/raw') return rangeResponse(headers.Range);
      const conn = connections[Math.min(n++, connections.length - 1)];
      return conn(Number(headers['Last-Event-ID']));
    },
    onText: (t) => { text += t; },
    onState: (s) => states.push(s),
    delay: async () => undefined,
  });
  await tail.run();
  return { calls, text, states, tail };
}

describe('place', () => {
  it.each([
    ['continues', 10, { start: 10, text: 'abc' }, { kind: 'append', text: 'abc', offset: 13 }],
    ['cuts the replayed part', 12, { start: 10, text: 'abcd' }, { kind: 'append', text: 'cd', offset: 14 }],
    ['cuts by bytes, not characters', 13, { start: 10, text: '✓x' }, { kind: 'append', text: 'x', offset: 14 }],
    ['skips what was shown', 20, { start: 10, text: 'abc' }, { kind: 'skip' }],
    ['reports a gap', 5, { start: 10, text: 'abc' }, { kind: 'gap', from: 5, to: 10 }],
  ])('%s', (_n, offset, chunk, expected) => {
    expect(place(offset, chunk)).toEqual(expected);
  });
});

describe('readEvent', () => {
  it('reads the id as the end offset, JSON frames and both shapes of the end event', () => {
    expect(readEvent({ id: '8', event: 'log', data: 'abc' })).toEqual({ kind: 'upTo', end: 8, text: 'abc' });
    expect(readEvent({ id: null, event: 'message', data: '{"offset":4,"data":"x"}' })).toEqual({ kind: 'chunk', chunk: { start: 4, text: 'x' } });
    expect(readEvent({ id: null, event: 'end', data: '{"ended":true,"length":42}' })).toEqual({ kind: 'ended', length: 42 });
    expect(readEvent({ id: '42', event: 'end', data: '42' })).toEqual({ kind: 'ended', length: 42 });
    expect(readEvent({ id: null, event: 'message', data: '{"ended":true,"length":7}' })).toEqual({ kind: 'ended', length: 7 });
    expect(readEvent({ id: null, event: 'message', data: 'no id' })).toEqual({ kind: 'none' });
  });
});

describe('SseParser', () => {
  it('parses the same events however the stream is cut', () => {
    const stream = 'id: 3\ndata: a\ndata: b\n\n: comment\r\nevent: end\r\ndata: {}\r\n\r\n';
    for (let cut = 0; cut <= stream.length; cut++) {
      const p = new SseParser();
      const got = [...p.push(stream.slice(0, cut)), ...p.push(stream.slice(cut))];
      expect(got).toEqual([{ id: '3', event: 'message', data: 'a\nb' }, { id: '3', event: 'end', data: '{}' }]);
    }
  });
});

describe('LogTail', () => {
  it('follows a log to its end across dropped connections without gaps or repeats', async () => {
    const end = `event: end\ndata: {"ended":true,"length":${BYTES.length}}\n\n`;
    const { text, calls, states } = await follow([
      // Drops after line 10, cutting the next event in half.
      () => streamOf(events(0, lineEnds.slice(0, 10)) + 'id: 999\ndata: half an ev'),
      // Resumes from an earlier offset than asked (a replaying server) with one event straddling
      // the offset reached: the part already shown is cut off.
      () => streamOf(events(lineEnds[7], [lineEnds[11], ...lineEnds.slice(12, 20)])),
      // Skips ahead past line 25: the gap is fetched from the raw log first.
      () => streamOf(events(lineEnds[24], lineEnds.slice(25)) + end),
    ]);
    expect(text).toBe(LOG);
    const resumes = calls.filter((c) => c.url === '/stream').map((c) => c.headers['Last-Event-ID']);
    expect(resumes).toEqual(['0', String(lineEnds[9]), String(lineEnds[19])]);
    // The straddling event and the skip ahead are both read from the raw log, exactly what is missing.
    expect(calls.filter((c) => c.url === '/raw').map((c) => c.headers.Range)).toEqual([
      `bytes=${lineEnds[9]}-${lineEnds[11] - 1}`, `bytes=${lineEnds[19]}-${lineEnds[25] - 1}`,
    ]);
    expect(calls.every((c) => c.headers.Authorization === 'Bearer t')).toBe(true);
    expect(states.at(-1)).toBe('ended');
  });

  it('reads the raw bytes when SSE line splitting changed an event (carriage returns)', async () => {
    // A server's SSE writer splits data on \r\n as on \n, so "a\r\nb\n" arrives as "a\nb\n".
    const original = new TextEncoder().encode('a\r\nb\n');
    const calls: string[] = [];
    let text = '';
    const tail = new LogTail({
      streamUrl: '/stream',
      rawUrl: '/raw',
      headers: () => ({}),
      fetch: async (url, init) => {
        const h = (init?.headers ?? {}) as Record<string, string>;
        calls.push(url === '/raw' ? `raw ${h.Range}` : `stream ${h['Last-Event-ID']}`);
        if (url === '/raw') return new Response(original.slice(0, 5), { status: 206 });
        return streamOf('event: log\nid: 5\ndata: a\ndata: b\ndata: \n\nevent: end\nid: 5\ndata: 5\n\n');
      },
      onText: (t) => { text += t; },
      onState: () => undefined,
      delay: async () => undefined,
    });
    await tail.run();
    expect(text).toBe('a\r\nb\n');
    expect(calls).toEqual(['stream 0', 'raw bytes=0-4']);
  });

  it('fetches what the stream did not send when the end says the log is longer', async () => {
    const { text } = await follow([
      () => streamOf(events(0, lineEnds.slice(0, 3)) + `event: end\ndata: {"ended":true,"length":${BYTES.length}}\n\n`),
    ]);
    expect(text).toBe(LOG);
  });

  it('stops on 404 (another organization\'s build) instead of retrying', async () => {
    const { text, states, calls } = await follow([() => new Response('{}', { status: 404 })]);
    expect(text).toBe('');
    expect(states.at(-1)).toMatch(/^error/);
    expect(calls).toHaveLength(1);
  });
});
