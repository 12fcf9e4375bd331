import { parseAnsi, plainText, type AnsiStyle, type Segment } from './ansi';

/** One rendered log line: its styled segments and the plain text search looks at. */
export interface LogLine {
  segments: Segment[];
  text: string;
}

/**
 * A step's log as lines, fed chunk by chunk as the live tail delivers them. Chunks may end in the
 * middle of a line; the partial line is shown but re-parsed when the rest arrives. Colours carry
 * across lines as they do in a terminal. A carriage return (progress bars) keeps what follows it.
 */
export class LogBuffer {
  private readonly complete: LogLine[] = [];
  private partial = '';
  private styleAtPartial: AnsiStyle = {};
  private version = 0;

  append(text: string): void {
    if (!text) return;
    const parts = (this.partial + text).split('\n');
    this.partial = parts.pop() ?? '';
    for (const raw of parts) {
      const { segments, end } = parseAnsi(overwrite(raw), this.styleAtPartial);
      this.complete.push({ segments, text: plainText(segments) });
      this.styleAtPartial = end;
    }
    this.version++;
  }

  /** Lines including a trailing partial line. */
  get length(): number {
    return this.complete.length + (this.partial ? 1 : 0);
  }

  /** Changes whenever content changes; views use it to re-render. */
  get revision(): number {
    return this.version;
  }

  line(i: number): LogLine {
    if (i < this.complete.length) return this.complete[i];
    const { segments } = parseAnsi(overwrite(this.partial), this.styleAtPartial);
    return { segments, text: plainText(segments) };
  }
}

function overwrite(raw: string): string {
  const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
  const cr = line.lastIndexOf('\r');
  return cr < 0 ? line : line.slice(cr + 1);
}
