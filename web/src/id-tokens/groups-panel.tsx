// ID-token groups (OCPP groupIdToken): list with member counts, add, relabel, delete when empty.
import { DataTable } from '../data-table.tsx';
import { useState } from 'preact/hooks';
import { FormOutcome } from '../form-outcome.tsx';
import { InputField } from '../input-field.tsx';
import { useRowAction } from '../settings/use-row-action.tsx';
import { useFormSubmit } from '../use-form-submit.ts';
import type { Polled } from '../use-poll.ts';
import { createGroup, deleteGroup, relabelGroup, type IdTokenGroup } from './id-tokens-api.ts';

export function GroupsPanel({ groups, onChanged, canEdit }: { groups: Polled<{ items: IdTokenGroup[] }>; onChanged: () => void; canEdit: boolean }) {
  const [id, setId] = useState('');
  const [label, setLabel] = useState('');
  const form = useFormSubmit();
  const action = useRowAction(onChanged);
  const add = async () => {
    if (await form.submit(() => createGroup({ id: id.trim(), label: label.trim() }), `Group ${id.trim()} added.`)) {
      setId('');
      setLabel('');
      onChanged();
    }
  };
  return (
    <section class="panel" data-testid="id-token-groups">
      <header class="panel__header">
        <h2>Groups</h2>
      </header>
      <p class="panel__note">Tokens in one group count as the same driver for stopping a session and for reservations (OCPP groupIdToken / parentIdTag).</p>
      {canEdit && (
      <form
        class="form-row"
        data-testid="group-form"
        onSubmit={(e) => {
          e.preventDefault();
          void add();
        }}
      >
        <InputField id="group-id" label="Group id" value={id} onInput={setId} error={form.err('id')} />
        <InputField id="group-label" label="Label" value={label} onInput={setLabel} error={form.err('label')} />
        <button class="button button--primary form-row__submit" disabled={form.busy} data-testid="group-create">
          Add group
        </button>
      </form>
      )}
      <FormOutcome form={form} shown={(f) => f === 'id' || f === 'label'} testId="group-form" />
      {action.view}
      {groups.data && groups.data.items.length > 0 && (
        <DataTable testId="groups-table" columns={['Group', 'Label', '#Tokens', '']}>
        {groups.data.items.map((g) => (
          <tr key={g.id} data-testid="group-row">
            <td class="mono">{g.id}</td>
            <td>{g.label ?? '—'}</td>
            <td class="num">{g.members}</td>
            <td class="cell-actions">
              <button
                class="button button--quiet"
                onClick={() => {
                  const next = prompt(`Label of group ${g.id}:`, g.label ?? '');
                  if (next !== null) action.run(() => relabelGroup(g.id, next.trim()), 'Label saved.');
                }}
              >
                Rename
              </button>
              <button class="button button--quiet" onClick={() => confirm(`Delete group ${g.id}?`) && action.run(() => deleteGroup(g.id), `Group ${g.id} deleted.`)}>
                Delete
              </button>
            </td>
          </tr>
        ))}
        </DataTable>
      )}
    </section>
  );
}
