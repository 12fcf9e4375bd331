/** One server-sent event. */
export interface SseEvent {
  id: string | null;
  event: string;
  data: string;
}

/**
 * An incremental text/event-stream parser (the WHATWG rules: data lines joined with newlines, a
 * blank line dispatches, comments ignored). The UI reads the stream with fetch rather than
 * EventSource so it can send the Authorization header and pick the resume offset itself.
 */
export class SseParser {
  private buffer = '';
  private data: string[] = [];
  private event = '';
  private id: string | null = null;
  private sawCr = false;

  push(text: string): SseEvent[] {
    const out: SseEvent[] = [];
    let input = text;
    if (this.sawCr && input.startsWith('\n')) input = input.slice(1);
    this.sawCr = input.endsWith('\r');
    this.buffer += input;
    const lines = this.buffer.split(/\r\n|\r|\n/);
    this.buffer = lines.pop() ?? '';
    for (const line of lines) {
      if (line === '') {
        if (this.data.length > 0 || this.event) {
          out.push({ id: this.id, event: this.event || 'message', data: this.data.join('\n') });
        }
        this.data = [];
        this.event = '';
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'data') this.data.push(value);
      else if (field === 'event') this.event = value;
      else if (field === 'id' && !value.includes('\0')) this.id = value;
    }
    return out;
  }
}
