// Where the UI keeps the caller's API token: the browser tab's sessionStorage, which dies with the
// tab and is never shared with other tabs or written to disk the way localStorage is.

const KEY = 'circlet.token';

export interface TokenStore {
  get(): string | null;
  set(token: string): void;
  clear(): void;
}

export function sessionTokenStore(storage: Storage = window.sessionStorage): TokenStore {
  return {
    get: () => storage.getItem(KEY),
    set: (token) => storage.setItem(KEY, token),
    clear: () => storage.removeItem(KEY),
  };
}
