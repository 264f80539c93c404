import type { TestServer } from './server.ts';

/** A browser-like session for tests: the cookie from signing in, and the CSRF token to send on changes. */
export interface CookieSession {
  cookie: string;
  csrfToken: string;
  setCookie: string;
  /** fetch of `/api/v1<path>` with the cookie (and no API token); `csrf: false` leaves the CSRF header out. */
  api(path: string, init?: RequestInit & { csrf?: boolean }): Promise<Response>;
}

export async function signInWithPassword(server: TestServer, username: string, password: string): Promise<CookieSession> {
  const res = await fetch(`${server.baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) throw new Error(`sign-in as ${username}: HTTP ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { csrfToken: string };
  const setCookie = res.headers.getSetCookie().find((c) => c.startsWith('ampyard_session='));
  if (!setCookie) throw new Error('sign-in set no session cookie');
  const cookie = setCookie.split(';')[0]!;
  return {
    cookie,
    csrfToken: body.csrfToken,
    setCookie,
    api: (path, init = {}) => {
      const { csrf = true, ...rest } = init;
      const headers = new Headers(rest.headers);
      headers.set('cookie', cookie);
      if (csrf && !headers.has('x-csrf-token')) headers.set('x-csrf-token', body.csrfToken);
      return fetch(`${server.baseUrl}/api/v1${path}`, { ...rest, headers });
    },
  };
}

/** Creates a user and an API token for it through the API, as the test server's admin. */
export async function createUserWithToken(server: TestServer, username: string, role: 'admin' | 'operator' | 'viewer', password = `${username}-password`): Promise<{ id: number; token: string; password: string }> {
  const json = { 'content-type': 'application/json' };
  const created = await server.api('/users', { method: 'POST', headers: json, body: JSON.stringify({ username, password, role }) });
  if (created.status !== 201) throw new Error(`create user ${username}: HTTP ${created.status} ${await created.text()}`);
  const user = (await created.json()) as { id: number };
  const token = await server.api('/tokens', { method: 'POST', headers: json, body: JSON.stringify({ username, name: `${username} tests` }) });
  if (token.status !== 201) throw new Error(`create token for ${username}: HTTP ${token.status} ${await token.text()}`);
  return { id: user.id, token: ((await token.json()) as { token: string }).token, password };
}

/** fetch with an API token (and nothing else). */
export function withToken(server: TestServer, token: string) {
  return (path: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    headers.set('authorization', `Bearer ${token}`);
    return fetch(`${server.baseUrl}/api/v1${path}`, { ...init, headers });
  };
}
