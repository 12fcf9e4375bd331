import { SseParser, type SseEvent } from './sse';

type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** UTF-8 length of a string: offsets in the log API count bytes, not characters. */
export function byteLength(text: string): number {
  return encoder.encode(text).length;
}

/** A piece of the log located by byte offsets: [start, end). */
export interface Chunk {
  start: number;
  text: string;
}

/** What to do with a chunk given how many bytes of the log are already shown. */
export type Placement =
  | { kind: 'append'; text: string; offset: number }
  | { kind: 'skip' }
  | { kind: 'gap'; from: number; to: number };

/**
 * Places a chunk after {@code offset} bytes already shown: the part already shown is cut off (no
 * repeats after a reconnect that replays), and a chunk starting past the offset reports the gap so
 * the caller fills it from the raw log first (no holes when a server skips ahead).
 */
export function place(offset: number, chunk: Chunk): Placement {
  const bytes = encoder.encode(chunk.text);
  const end = chunk.start + bytes.length;
  if (chunk.start > offset) return { kind: 'gap', from: offset, to: chunk.start };
  if (end <= offset) return { kind: 'skip' };
  const fresh = bytes.subarray(offset - chunk.start);
  return { kind: 'append', text: decoder.decode(fresh), offset: end };
}

/** One SSE event of the log stream, read. */
export type TailEvent =
  | { kind: 'ended'; length: number }
  /** Bytes [start, start + length of text): a JSON frame {"offset","data"} (the WebSocket tail's shape). */
  | { kind: 'chunk'; chunk: Chunk }
  /** Text that ends at byte offset {@code end} (the event's id: where to resume from). */
  | { kind: 'upTo'; end: number; text: string }
  | { kind: 'none' };

/**
 * Reads one SSE event of the log stream: its id is the byte offset to resume from (the end of its
 * data); a JSON body {"offset","data"} is read as a located chunk; the end event (data {"length"}
 * or the length itself) closes the tail.
 */
export function readEvent(ev: SseEvent): TailEvent {
  if (ev.event === 'end' || ev.event === 'ended') {
    const body = safeJson(ev.data);
    const length = Number(body?.length ?? (ev.data.trim() || ev.id) ?? NaN);
    return { kind: 'ended', length: Number.isFinite(length) ? length : -1 };
  }
  const json = ev.data.startsWith('{"') ? safeJson(ev.data) : null;
  if (json && json.ended === true) return { kind: 'ended', length: Number(json.length ?? -1) };
  if (json && typeof json.offset === 'number' && typeof json.data === 'string') {
    return { kind: 'chunk', chunk: { start: json.offset, text: json.data } };
  }
  if (ev.id !== null && ev.id !== '' && Number.isFinite(Number(ev.id))) {
    return { kind: 'upTo', end: Number(ev.id), text: ev.data };
  }
  return { kind: 'none' };
}

function safeJson(text: string): Record<string, unknown> | null {
  try {
    const v = JSON.parse(text);
    return v && typeof v === 'object' ? v : null;
  } catch {
    return null;
  }
}

export interface TailOptions {
  streamUrl: string;
  rawUrl: string;
  fetch: FetchLike;
  headers: () => Record<string, string>;
  onText: (text: string, offset: number) => void;
  onState: (state: 'connecting' | 'live' | 'reconnecting' | 'ended' | 'error', detail?: string) => void;
  /** Waits before reconnecting; tests pass a resolved promise. */
  delay?: (attempt: number) => Promise<void>;
}

/**
 * Follows a running step's log over the SSE tail and resumes after a dropped connection from the
 * last byte shown (Last-Event-ID), so the view has every byte exactly once.
 */
export class LogTail {
  private offset = 0;
  private stopped = false;
  private controller: AbortController | null = null;

  constructor(private readonly opts: TailOptions) {}

  get bytesShown(): number {
    return this.offset;
  }

  stop(): void {
    this.stopped = true;
    this.controller?.abort();
  }

  async run(): Promise<void> {
    const delay = this.opts.delay ?? ((n) => new Promise<void>((r) => setTimeout(r, Math.min(5000, 250 * 2 ** n))));
    let attempt = 0;
    this.opts.onState('connecting');
    while (!this.stopped) {
      try {
        const ended = await this.follow();
        if (ended !== null) {
          if (ended > this.offset) await this.fill(this.offset, ended);
          this.opts.onState('ended');
          return;
        }
        attempt = 0;
      } catch (e) {
        if (this.stopped) return;
        if (e instanceof TailRefused) {
          this.opts.onState('error', e.message);
          return;
        }
      }
      if (this.stopped) return;
      this.opts.onState('reconnecting');
      await delay(attempt++);
    }
  }

  /** One connection: returns the final length when the stream said the log ended, else null. */
  private async follow(): Promise<number | null> {
    this.controller = new AbortController();
    const res = await this.opts.fetch(this.opts.streamUrl, {
      headers: { Accept: 'text/event-stream', 'Last-Event-ID': String(this.offset), ...this.opts.headers() },
      signal: this.controller.signal,
      credentials: 'same-origin',
    });
    if (res.status === 401 || res.status === 403 || res.status === 404) {
      throw new TailRefused(`the log stream answered ${res.status}`);
    }
    if (!res.ok || !res.body) throw new Error(`the log stream answered ${res.status}`);
    this.opts.onState('live');
    const parser = new SseParser();
    const reader = res.body.getReader();
    const text = new TextDecoder();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return null;
      for (const ev of parser.push(text.decode(value, { stream: true }))) {
        const read = readEvent(ev);
        if (read.kind === 'ended') {
          reader.cancel().catch(() => undefined);
          return read.length;
        }
        if (read.kind === 'chunk') await this.accept(read.chunk);
        if (read.kind === 'upTo') await this.acceptUpTo(read.end, read.text);
      }
    }
  }

  /**
   * Text that ends at byte {@code end}. It continues the log when its length is exactly the bytes
   * from what is shown to {@code end}; otherwise (a server that replayed or skipped, or SSE's line
   * splitting turned a carriage return into a newline) the bytes are read from the raw log instead.
   */
  private async acceptUpTo(end: number, text: string): Promise<void> {
    if (end <= this.offset) return;
    if (byteLength(text) === end - this.offset) {
      this.offset = end;
      this.opts.onText(text, end);
    } else {
      await this.fill(this.offset, end);
    }
  }

  private async accept(chunk: Chunk): Promise<void> {
    let placed = place(this.offset, chunk);
    if (placed.kind === 'gap') {
      await this.fill(placed.from, placed.to);
      placed = place(this.offset, chunk);
    }
    if (placed.kind === 'append') {
      this.offset = placed.offset;
      this.opts.onText(placed.text, this.offset);
    }
  }

  /** Fetches bytes [from, to) of the raw log with a Range request. */
  private async fill(from: number, to: number): Promise<void> {
    const res = await this.opts.fetch(this.opts.rawUrl, {
      headers: { Range: `bytes=${from}-${to - 1}`, ...this.opts.headers() },
      credentials: 'same-origin',
    });
    if (!res.ok) throw new Error(`the raw log answered ${res.status}`);
    const bytes = new Uint8Array(await res.arrayBuffer());
    // A server that ignores Range sends the whole log (200): take the requested window from it.
    const window = res.status === 206 ? bytes : bytes.subarray(from, to);
    const placed = place(this.offset, { start: from, text: decoder.decode(window) });
    if (placed.kind === 'append') {
      this.offset = placed.offset;
      this.opts.onText(placed.text, this.offset);
    }
  }
}

class TailRefused extends Error {}
