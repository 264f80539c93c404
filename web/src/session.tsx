// Decides what the browser shows before the app: first-run setup, sign-in, or the app for a signed-in user.

import { createContext, type ComponentChildren } from 'preact';
import { useCallback, useContext, useEffect, useState } from 'preact/hooks';
import { ApiError, describeError, setUnauthorizedHandler } from './api.ts';
import { currentUser, setupNeeded, signOut, type User } from './auth-api.ts';
import { AuthCard } from './auth-card.tsx';
import { LoginPage } from './login-page.tsx';
import { SetupPage } from './setup-page.tsx';

export interface Session {
  user: User;
  signOut(): void;
}

const SessionContext = createContext<Session | null>(null);

/** The signed-in user; only used below <SessionGate>, where there always is one. */
export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside <SessionGate>');
  return session;
}

type GateState =
  | { kind: 'checking' }
  | { kind: 'unreachable'; message: string }
  | { kind: 'setup' }
  | { kind: 'login'; notice: string | null }
  | { kind: 'ready'; user: User };

export function SessionGate({ children }: { children: ComponentChildren }) {
  const [state, setState] = useState<GateState>({ kind: 'checking' });

  const check = useCallback(async () => {
    try {
      if (await setupNeeded()) return setState({ kind: 'setup' });
      setState({ kind: 'ready', user: await currentUser() });
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) setState({ kind: 'login', notice: null });
      else setState({ kind: 'unreachable', message: describeError(error) });
    }
  }, []);

  useEffect(() => {
    setUnauthorizedHandler(() => setState({ kind: 'login', notice: 'Your session has ended. Please sign in again.' }));
    void check();
  }, [check]);

  const end = useCallback(() => {
    signOut()
      .catch(() => undefined)
      .finally(() => setState({ kind: 'login', notice: 'You have signed out.' }));
  }, []);

  switch (state.kind) {
    case 'checking':
      return null;
    case 'unreachable':
      return (
        <AuthCard title="Cannot reach Ampyard">
          <p class="auth-error" role="alert">
            {state.message}
          </p>
          <button type="button" class="button button--primary" onClick={() => void check()}>
            Try again
          </button>
        </AuthCard>
      );
    case 'setup':
      return <SetupPage onDone={(user) => setState({ kind: 'ready', user })} />;
    case 'login':
      return <LoginPage notice={state.notice} onSignedIn={(user) => setState({ kind: 'ready', user })} />;
    case 'ready':
      return <SessionContext.Provider value={{ user: state.user, signOut: end }}>{children}</SessionContext.Provider>;
  }
}
