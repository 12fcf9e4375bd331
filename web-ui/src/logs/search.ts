import type { LogBuffer } from './logBuffer';

/** Indexes of the lines containing {@code query}, ignoring case; empty for an empty query. */
export function findMatches(log: LogBuffer, query: string): number[] {
  const q = query.trim().toLowerCase();
  if (!q) return [];
  const hits: number[] = [];
  for (let i = 0; i < log.length; i++) {
    if (log.line(i).text.toLowerCase().includes(q)) hits.push(i);
  }
  return hits;
}

/** Splits a line's text around the occurrences of {@code query} for highlighting. */
export function highlight(text: string, query: string): { text: string; hit: boolean }[] {
  const q = query.trim().toLowerCase();
  if (!q) return [{ text, hit: false }];
  const out: { text: string; hit: boolean }[] = [];
  const lower = text.toLowerCase();
  let from = 0;
  for (let at = lower.indexOf(q); at >= 0; at = lower.indexOf(q, at + q.length)) {
    if (at > from) out.push({ text: text.slice(from, at), hit: false });
    out.push({ text: text.slice(at, at + q.length), hit: true });
    from = at + q.length;
  }
  if (from < text.length) out.push({ text: text.slice(from), hit: false });
  return out;
}
