import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiClient, ApiError } from '../api/client';
import type { Me } from '../api/types';
import { sessionTokenStore, type TokenStore } from '../api/session';
import { href, useRoute } from '../router';
import { BuildPage } from './BuildPage';
import { PipelinesPage } from './PipelinesPage';
import { QueuePage } from './QueuePage';
import { RunPage } from './RunPage';
import { SignIn } from './SignIn';

type Auth = { kind: 'checking' } | { kind: 'signedIn'; me: Me; proxy: boolean } | { kind: 'signedOut'; error: string | null };

/**
 * Signs the caller in, then shows the routed page. A stored token is tried first; without one the
 * UI asks the gateway who it is, which succeeds when an authenticating proxy adds its header.
 */
export function App({ tokens = sessionTokenStore() }: { tokens?: TokenStore }) {
  const api = useMemo(() => new ApiClient(tokens), [tokens]);
  const [auth, setAuth] = useState<Auth>({ kind: 'checking' });
  const route = useRoute();

  const check = (failure: string | null) => {
    api.me().then(
      (me) => setAuth({ kind: 'signedIn', me, proxy: !tokens.get() }),
      (e) => {
        if (tokens.get()) tokens.clear();
        const refused = e instanceof ApiError && (e.status === 401 || e.status === 403);
        setAuth({ kind: 'signedOut', error: refused ? failure : `The gateway did not answer: ${e.message}` });
      },
    );
  };
  useEffect(() => check(null), []);

  if (auth.kind === 'checking') return <main><p aria-busy="true">Connecting…</p></main>;
  if (auth.kind === 'signedOut') {
    return (
      <SignIn
        error={auth.error}
        onToken={(t) => {
          tokens.set(t);
          setAuth({ kind: 'checking' });
          check('That token was refused: it is unknown, revoked or lacks the read scope.');
        }}
      />
    );
  }
  return (
    <>
      <a class="skip" href="#content">Skip to content</a>
      <header class="top">
        <a class="brand" href={href.pipelines()}>Circlet</a>
        <nav aria-label="Main">
          <a href={href.pipelines()} aria-current={route.page === 'pipelines' ? 'page' : undefined}>Pipelines</a>
          <a href={href.queue()} aria-current={route.page === 'queue' ? 'page' : undefined}>Queue</a>
        </nav>
        <span class="who">
          {auth.me.organization}{auth.me.token?.name ? ` · ${auth.me.token.name}` : ''}
          {!auth.proxy && (
            <button type="button" onClick={() => { tokens.clear(); setAuth({ kind: 'signedOut', error: null }); }}>Sign out</button>
          )}
        </span>
      </header>
      <div id="content">
        {route.page === 'pipelines' && <PipelinesPage api={api} />}
        {route.page === 'queue' && <QueuePage api={api} />}
        {route.page === 'run' && <RunPage api={api} id={route.id} />}
        {route.page === 'build' && <BuildPage api={api} namespace={route.namespace} name={route.name} step={route.step} />}
        {route.page === 'notFound' && <main><h1>Not found</h1><p><a href={href.pipelines()}>Pipelines</a></p></main>}
      </div>
    </>
  );
}
