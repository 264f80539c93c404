// Users: list, create with a role, change role, reset password, delete (admins only).
import { DataTable } from '../data-table.tsx';
import { useState } from 'preact/hooks';
import type { Role } from '../auth-api.ts';
import { FormField, describedBy } from '../form-field.tsx';
import { FormOutcome } from '../form-outcome.tsx';
import { formatDateTime } from '../format.ts';
import { InputField } from '../input-field.tsx';
import { useSession } from '../session.tsx';
import { useFormSubmit } from '../use-form-submit.ts';
import { usePoll } from '../use-poll.ts';
import { createUser, deleteUser, fetchUsers, updateUser, type UserRecord } from './settings-api.ts';
import { useRowAction } from './use-row-action.tsx';

export const ROLES: Role[] = ['admin', 'operator', 'viewer'];

export function RoleSelect({ id, value, onChange, error }: { id: string; value: Role; onChange: (role: Role) => void; error?: string }) {
  return (
    <select id={id} value={value} onChange={(e) => onChange(e.currentTarget.value as Role)} aria-describedby={describedBy(id, error)}>
      {ROLES.map((r) => (
        <option key={r} value={r}>
          {r}
        </option>
      ))}
    </select>
  );
}

export function UsersSection() {
  const users = usePoll(fetchUsers, [], 0);
  const action = useRowAction(users.reload);
  const me = useSession().user;
  return (
    <>
      <NewUser onCreated={users.reload} />
      <section class="panel" data-testid="users-section">
        <header class="panel__header">
          <h2>Users</h2>
        </header>
        {action.view}
        <DataTable testId="users-table" columns={['Username', 'Role', 'Last sign-in', '']}>
          {users.data?.items.map((u) => (
            <UserRow key={u.id} user={u} self={u.id === me.id} run={action.run} />
          ))}
        </DataTable>
      </section>
    </>
  );
}

function UserRow({ user: u, self, run }: { user: UserRecord; self: boolean; run: (work: () => Promise<unknown>, done?: string) => void }) {
  return (
    <tr data-testid="user-row" data-username={u.username}>
      <td>
        {u.username}
        {u.disabled && <span class="tag tag--blocked"> disabled</span>}
      </td>
      <td>
        <RoleSelect id={`role-${u.id}`} value={u.role} onChange={(role) => run(() => updateUser(u.id, { role }), `${u.username} is now ${role}.`)} />
      </td>
      <td>{u.lastLoginAt ? formatDateTime(u.lastLoginAt) : '—'}</td>
      <td class="cell-actions">
        <button
          class="button button--quiet"
          onClick={() => {
            const password = prompt(`New password for ${u.username} (at least 8 characters):`);
            if (password) run(() => updateUser(u.id, { password }), `Password of ${u.username} reset; their sessions were ended.`);
          }}
        >
          Reset password
        </button>
        {!self && (
          <button class="button button--quiet" onClick={() => confirm(`Delete user ${u.username}?`) && run(() => deleteUser(u.id), `${u.username} deleted.`)}>
            Delete
          </button>
        )}
      </td>
    </tr>
  );
}

function NewUser({ onCreated }: { onCreated: () => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>('operator');
  const form = useFormSubmit();
  const save = async () => {
    if (await form.submit(() => createUser({ username: username.trim(), password, role }), `Created ${username.trim()}.`)) {
      setUsername('');
      setPassword('');
      onCreated();
    }
  };
  return (
    <section class="panel">
      <header class="panel__header">
        <h2>New user</h2>
      </header>
      <form
        class="form-row"
        data-testid="user-form"
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <InputField id="user-name" label="Username" value={username} onInput={setUsername} error={form.err('username')} />
        <FormField id="user-password" label="Password" error={form.err('password')}>
          <input id="user-password" type="password" autocomplete="new-password" value={password} onInput={(e) => setPassword(e.currentTarget.value)} aria-describedby={describedBy('user-password', form.err('password'))} />
        </FormField>
        <FormField id="user-role" label="Role" error={form.err('role')}>
          <RoleSelect id="user-role" value={role} onChange={setRole} error={form.err('role')} />
        </FormField>
        <button class="button button--primary form-row__submit" disabled={form.busy} data-testid="user-create">
          Add user
        </button>
      </form>
      <FormOutcome form={form} shown={(f) => ['username', 'password', 'role'].includes(f)} testId="user-form" />
    </section>
  );
}
