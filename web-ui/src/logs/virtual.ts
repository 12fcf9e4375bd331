/** The slice of lines a virtualised list renders: the visible ones plus an overscan either side. */
export interface LineWindow {
  first: number;
  last: number; // exclusive
}

export function visibleWindow(
  scrollTop: number, viewportHeight: number, lineHeight: number, total: number, overscan = 20,
): LineWindow {
  if (total <= 0 || lineHeight <= 0) return { first: 0, last: 0 };
  const first = Math.max(0, Math.floor(scrollTop / lineHeight) - overscan);
  const visible = Math.ceil(Math.max(viewportHeight, lineHeight) / lineHeight);
  const last = Math.min(total, Math.floor(scrollTop / lineHeight) + visible + overscan);
  return { first: Math.min(first, last), last };
}

/** The scrollTop that puts line {@code index} in the middle of the viewport. */
export function scrollTopFor(index: number, viewportHeight: number, lineHeight: number): number {
  return Math.max(0, index * lineHeight - Math.floor(viewportHeight / 2));
}
