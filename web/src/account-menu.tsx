import { useSession } from './session.tsx';

const ROLE_LABELS = { admin: 'Admin', operator: 'Operator', viewer: 'Viewer' } as const;

/** "Signed in as …" and the sign-out button, in the top bar. */
export function AccountMenu() {
  const { user, signOut } = useSession();
  return (
    <div class="account" data-testid="account">
      <span class="account__who">
        <span class="account__label">Signed in as </span>
        <strong data-testid="signed-in-as">{user.username}</strong>
        <span class="account__role" data-testid="signed-in-role">
          {ROLE_LABELS[user.role]}
        </span>
      </span>
      <a class="button button--quiet" href="/api/docs" target="_blank" rel="noopener" data-testid="api-docs-link" title="REST API reference" style="text-decoration: none">
        API
      </a>
      <button type="button" class="button button--quiet" data-testid="sign-out" onClick={signOut}>
        Sign out
      </button>
    </div>
  );
}
