import { useState } from 'preact/hooks';

/**
 * Asks for an API token (the same tokens the CLI uses). The token is kept in this tab's
 * sessionStorage only; closing the tab signs out.
 */
export function SignIn({ onToken, error }: { onToken: (token: string) => void; error: string | null }) {
  const [token, setToken] = useState('');
  return (
    <main class="signin">
      <h1>Sign in to Circlet</h1>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (token.trim()) onToken(token.trim());
        }}
      >
        <label for="token">API token</label>
        <input
          id="token"
          type="password"
          autocomplete="off"
          spellcheck={false}
          value={token}
          onInput={(e) => setToken((e.target as HTMLInputElement).value)}
          aria-describedby="token-help"
          required
        />
        <p id="token-help" class="muted">
          An organization token from <code>POST /api/v1/tokens</code>. It stays in this browser tab only.
        </p>
        {error && <div class="error" role="alert">{error}</div>}
        <button type="submit">Sign in</button>
      </form>
    </main>
  );
}
