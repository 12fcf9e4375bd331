import { useEffect, useState } from 'preact/hooks';

// The UI's pages live under /ui; the gateway answers every /ui path with index.html, so links are
// plain paths and reloads land on the same page.
export const BASE = '/ui';

export type Route =
  | { page: 'pipelines' }
  | { page: 'run'; id: string }
  | { page: 'build'; namespace: string; name: string; step: number | null }
  | { page: 'queue' }
  | { page: 'notFound' };

/** Parses a location (path and query) into the page it shows. */
export function parseRoute(pathname: string, search = ''): Route {
  const rest = pathname.startsWith(BASE) ? pathname.slice(BASE.length) : pathname;
  const parts = rest.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts.length === 0) return { page: 'pipelines' };
  if (parts[0] === 'queue' && parts.length === 1) return { page: 'queue' };
  if (parts[0] === 'runs' && parts.length === 2) return { page: 'run', id: parts[1] };
  if (parts[0] === 'builds' && parts.length === 3) {
    const step = new URLSearchParams(search).get('step');
    return { page: 'build', namespace: parts[1], name: parts[2], step: step !== null && /^\d+$/.test(step) ? Number(step) : null };
  }
  return { page: 'notFound' };
}

export const href = {
  pipelines: () => `${BASE}/`,
  queue: () => `${BASE}/queue`,
  run: (id: string) => `${BASE}/runs/${encodeURIComponent(id)}`,
  build: (ns: string, name: string, step?: number) =>
    `${BASE}/builds/${encodeURIComponent(ns)}/${encodeURIComponent(name)}${step === undefined ? '' : `?step=${step}`}`,
};

export function navigate(to: string, replace = false): void {
  if (replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  dispatchEvent(new PopStateEvent('popstate'));
}

/** The current route; in-app links navigate without reloading. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.pathname, location.search));
  useEffect(() => {
    const update = () => setRoute(parseRoute(location.pathname, location.search));
    const click = (e: MouseEvent) => {
      if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
      const a = (e.target as Element | null)?.closest?.('a');
      if (!a || a.target || a.hasAttribute('download')) return;
      const url = new URL(a.href, location.href);
      if (url.origin !== location.origin || !url.pathname.startsWith(`${BASE}/`) && url.pathname !== BASE) return;
      e.preventDefault();
      navigate(url.pathname + url.search);
    };
    addEventListener('popstate', update);
    document.addEventListener('click', click);
    return () => {
      removeEventListener('popstate', update);
      document.removeEventListener('click', click);
    };
  }, []);
  return route;
}
