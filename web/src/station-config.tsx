// Configuration keys (1.6) / device-model variables (2.x): edit through changeConfiguration, refresh through getConfiguration.
import { useState } from 'preact/hooks';
import { ApiError, describeError } from './api.ts';
import { CommandResultLine, type CommandResult } from './command-result.tsx';
import { fetchConfiguration, runCommand, type ConfigItem } from './domain-api.ts';
import type { Station } from './station-types.ts';
import { usePoll } from './use-poll.ts';
import { useSession } from './session.tsx';

export function StationConfig({ station }: { station: Station }) {
  const config = usePoll(() => fetchConfiguration(station.id), [station.id], 0);
  // Viewers read only; the API refuses their commands anyway, so the controls are not offered.
  const canChange = useSession().user.role !== 'viewer';
  const [filter, setFilter] = useState('');
  const [editing, setEditing] = useState<string | null>(null);
  const [draft, setDraft] = useState('');
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<CommandResult | null>(null);

  const readFromStation = async () => {
    setBusy(true);
    setResult(null);
    try {
      const outcome = await runCommand(station.id, 'getConfiguration', {});
      setResult({ ok: true, label: 'Read configuration', status: outcome.status });
      config.reload();
    } catch (error) {
      setResult({ ok: false, label: 'Read configuration', message: describeError(error) });
    } finally {
      setBusy(false);
    }
  };

  const save = async (item: ConfigItem) => {
    setBusy(true);
    setResult(null);
    setFieldError(null);
    try {
      const outcome = await runCommand(station.id, 'changeConfiguration', { key: item.key, value: draft });
      setResult({ ok: true, label: `Change ${item.key}`, status: outcome.status });
      setEditing(null);
      config.reload();
    } catch (error) {
      if (error instanceof ApiError && error.fields.length > 0) setFieldError(error.fields.map((f) => `${f.field}: ${f.message}`).join('; '));
      else setResult({ ok: false, label: `Change ${item.key}`, message: describeError(error) });
    } finally {
      setBusy(false);
    }
  };

  const items = (config.data?.items ?? []).filter((i) => i.key.toLowerCase().includes(filter.toLowerCase()));
  return (
    <section class="panel" data-testid="station-config">
      <header class="panel__header">
        <h2>Configuration {config.data && <span class="count">{config.data.items.length}</span>}</h2>
        <div class="panel__tools">
          <input type="search" placeholder="Filter keys" value={filter} onInput={(e) => setFilter(e.currentTarget.value)} />
          {canChange && (
            <button class="button" disabled={busy || !station.connected} onClick={() => void readFromStation()} data-testid="config-read">
              Read from station
            </button>
          )}
        </div>
      </header>
      <CommandResultLine result={result} />
      {config.error && <p class="result result--error">{config.error}</p>}
      {config.data && config.data.items.length === 0 ? (
        <p class="empty">No configuration known yet. Use “Read from station”.</p>
      ) : (
        <div class="table-scroll table-scroll--tall">
          <table class="data-table">
            <thead>
              <tr>
                <th>Key</th>
                <th>Value</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {items.map((item) => (
                <tr key={item.key} data-testid="config-row" data-key={item.key}>
                  <td class="mono">{item.key}</td>
                  <td>
                    {editing === item.key ? (
                      <form
                        class="inline-edit"
                        onSubmit={(e) => {
                          e.preventDefault();
                          void save(item);
                        }}
                      >
                        <input value={draft} onInput={(e) => setDraft(e.currentTarget.value)} data-testid="config-input" aria-invalid={fieldError ? true : undefined} />
                        <button class="button button--primary" disabled={busy} data-testid="config-save">
                          Save
                        </button>
                        <button type="button" class="button button--quiet" onClick={() => setEditing(null)}>
                          Cancel
                        </button>
                        {fieldError && <span class="field-error" data-testid="config-error">{fieldError}</span>}
                      </form>
                    ) : (
                      <span class="mono" data-testid="config-value">{item.value ?? '—'}</span>
                    )}
                  </td>
                  <td class="cell-actions">
                    {item.readonly ? (
                      <span class="muted">read-only</span>
                    ) : (
                      canChange &&
                      editing !== item.key && (
                        <button
                          class="button button--quiet"
                          data-testid="config-edit"
                          onClick={() => {
                            setEditing(item.key);
                            setDraft(item.value ?? '');
                            setFieldError(null);
                          }}
                        >
                          Edit
                        </button>
                      )
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
