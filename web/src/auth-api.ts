// Sign-in, sign-out and first-run setup calls (see src/api/routes/auth.ts and setup.ts).

import { request, setCsrfToken } from './api.ts';

export type Role = 'admin' | 'operator' | 'viewer';

export interface User {
  id: number;
  username: string;
  role: Role;
}

interface SessionAnswer {
  user: User;
  csrfToken?: string;
}

export interface SetupForm {
  setupCode: string;
  username: string;
  password: string;
  siteName: string;
  gridLimitA: number | null;
  acceptUnknownStations: boolean;
}

function started(answer: SessionAnswer): User {
  setCsrfToken(answer.csrfToken ?? null);
  return answer.user;
}

export async function setupNeeded(): Promise<boolean> {
  return (await request<{ needed: boolean }>('GET', '/setup')).needed;
}

/** The signed-in user, or an ApiError with status 401. */
export async function currentUser(): Promise<User> {
  return started(await request<SessionAnswer>('GET', '/auth/me', { ignoreUnauthorized: true }));
}

export async function signIn(username: string, password: string): Promise<User> {
  return started(await request<SessionAnswer>('POST', '/auth/login', { body: { username, password }, ignoreUnauthorized: true }));
}

export async function completeSetup(form: SetupForm): Promise<User> {
  return started(await request<SessionAnswer>('POST', '/setup', { body: form, ignoreUnauthorized: true }));
}

export async function signOut(): Promise<void> {
  try {
    await request<void>('POST', '/auth/logout', { ignoreUnauthorized: true });
  } finally {
    setCsrfToken(null);
  }
}
