// ANSI SGR colours in build logs, turned into styled text segments. Only text leaves this module:
// escape sequences other than SGR (cursor moves, erase, OSC titles and links) are dropped, and the
// view renders segments as text nodes, so a log can never inject markup.

export interface AnsiStyle {
  fg?: string;
  bg?: string;
  bold?: boolean;
  dim?: boolean;
  italic?: boolean;
  underline?: boolean;
}

export interface Segment {
  text: string;
  style: AnsiStyle;
}

const BASIC = ['black', 'red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'white'];

// CSI ... final byte, OSC ... BEL/ST, and two-byte escapes.
const ESCAPE = /\x1b(?:\[([0-9;:?]*)([@-~])|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])/g;

/** Splits one line into styled segments, starting from {@code start}; returns the style at its end. */
export function parseAnsi(line: string, start: AnsiStyle = {}): { segments: Segment[]; end: AnsiStyle } {
  const segments: Segment[] = [];
  let style = start;
  let last = 0;
  const push = (text: string) => {
    if (!text) return;
    const prev = segments[segments.length - 1];
    if (prev && prev.style === style) prev.text += text;
    else segments.push({ text, style });
  };
  ESCAPE.lastIndex = 0;
  for (let m = ESCAPE.exec(line); m; m = ESCAPE.exec(line)) {
    push(stripControls(line.slice(last, m.index)));
    last = ESCAPE.lastIndex;
    if (m[2] === 'm') style = applySgr(style, m[1] ?? '');
  }
  push(stripControls(line.slice(last)));
  return { segments, end: style };
}

/** The line's text without escape sequences, as search sees it. */
export function plainText(segments: Segment[]): string {
  return segments.map((s) => s.text).join('');
}

function stripControls(text: string): string {
  // Keep tabs; drop other C0 controls (BEL, backspace, stray ESC) that would render as boxes.
  return text.replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '');
}

function applySgr(current: AnsiStyle, params: string): AnsiStyle {
  const codes = params === '' ? [0] : params.split(/[;:]/).map((p) => (p === '' ? 0 : Number(p)));
  let s: AnsiStyle = { ...current };
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i];
    if (c === 0) s = {};
    else if (c === 1) s.bold = true;
    else if (c === 2) s.dim = true;
    else if (c === 3) s.italic = true;
    else if (c === 4) s.underline = true;
    else if (c === 22) { s.bold = false; s.dim = false; }
    else if (c === 23) s.italic = false;
    else if (c === 24) s.underline = false;
    else if (c >= 30 && c <= 37) s.fg = BASIC[c - 30];
    else if (c >= 90 && c <= 97) s.fg = `bright-${BASIC[c - 90]}`;
    else if (c === 39) delete s.fg;
    else if (c >= 40 && c <= 47) s.bg = BASIC[c - 40];
    else if (c >= 100 && c <= 107) s.bg = `bright-${BASIC[c - 100]}`;
    else if (c === 49) delete s.bg;
    else if (c === 38 || c === 48) {
      const key = c === 38 ? 'fg' : 'bg';
      if (codes[i + 1] === 5 && i + 2 < codes.length) {
        s[key] = color256(codes[i + 2]);
        i += 2;
      } else if (codes[i + 1] === 2 && i + 4 < codes.length) {
        s[key] = rgb(codes[i + 2], codes[i + 3], codes[i + 4]);
        i += 4;
      }
    }
  }
  for (const k of Object.keys(s) as (keyof AnsiStyle)[]) if (s[k] === false) delete s[k];
  return s;
}

function color256(n: number): string {
  if (n < 8) return BASIC[n];
  if (n < 16) return `bright-${BASIC[n - 8]}`;
  if (n < 232) {
    const v = n - 16;
    const level = (x: number) => (x === 0 ? 0 : 55 + x * 40);
    return rgb(level(Math.floor(v / 36)), level(Math.floor(v / 6) % 6), level(v % 6));
  }
  const g = 8 + (n - 232) * 10;
  return rgb(g, g, g);
}

function rgb(r: number, g: number, b: number): string {
  const c = (x: number) => Math.max(0, Math.min(255, x | 0)).toString(16).padStart(2, '0');
  return `#${c(r)}${c(g)}${c(b)}`;
}

/** The CSS class names of a named colour, or undefined when the colour is an exact #rrggbb value. */
export function colourClass(prefix: 'fg' | 'bg', colour: string | undefined): string | undefined {
  return colour && !colour.startsWith('#') ? `ansi-${prefix}-${colour}` : undefined;
}
