// Starting firmware updates: one file, the stations chosen (one or many), each station's latest firmware status
// live as it downloads and installs. The station downloads the file from Ampyard itself.
import { useState } from 'preact/hooks';
import { describeError } from '../api.ts';
import { firmwareStatusText, startFirmwareUpdate, type FirmwareFile, type StationFirmwareState } from '../firmware-api.ts';
import { formatDateTime, vendorAndModel } from '../format.ts';
import { href } from '../router.ts';
import type { Station } from '../station-types.ts';

const FAILED = /fail|invalid|revoked|not_permitted|interrupted/;

type Outcome = { ok: boolean; text: string };

export function FirmwareRollout(props: { files: FirmwareFile[]; stations: Station[]; states: StationFirmwareState[]; canEdit: boolean; onStarted(): void }) {
  const { files, stations, states, canEdit } = props;
  const [firmwareId, setFirmwareId] = useState<number | null>(null);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [outcomes, setOutcomes] = useState<Record<string, Outcome>>({});
  const [busy, setBusy] = useState(false);
  const stateOf = new Map(states.map((s) => [s.stationId, s]));
  const chosenFile = files.find((f) => f.id === firmwareId) ?? files[0];

  const toggle = (id: string, on: boolean) => {
    const next = new Set(selected);
    if (on) next.add(id);
    else next.delete(id);
    setSelected(next);
  };
  const start = async () => {
    if (!chosenFile) return;
    setBusy(true);
    const results: Record<string, Outcome> = {};
    // One at a time: each creates a job with its own download URL; a refusal of one does not stop the others.
    for (const id of selected) {
      try {
        const answer = await startFirmwareUpdate(id, chosenFile.id);
        results[id] = { ok: answer.status !== 'rejected', text: `${chosenFile.name}: ${answer.status}` };
      } catch (error) {
        results[id] = { ok: false, text: describeError(error) };
      }
      setOutcomes({ ...outcomes, ...results });
    }
    setBusy(false);
    setSelected(new Set());
    props.onStarted();
  };

  return (
    <section class="panel" data-testid="firmware-rollout">
      <header class="panel__header">
        <h2>Stations</h2>
      </header>
      {canEdit && files.length > 0 && (
        <div class="form-row">
          <label class="field">
            <span>Firmware to install</span>
            <select value={chosenFile?.id} onChange={(e) => setFirmwareId(Number(e.currentTarget.value))} data-testid="rollout-file">
              {files.map((f) => (
                <option key={f.id} value={f.id}>
                  {f.name}
                </option>
              ))}
            </select>
          </label>
          <button type="button" class="button" onClick={() => setSelected(new Set(stations.filter((s) => s.connected).map((s) => s.id)))} data-testid="rollout-select-connected">
            Select connected
          </button>
          <button type="button" class="button button--primary" disabled={busy || selected.size === 0} onClick={() => void start()} data-testid="rollout-start">
            {busy ? 'Starting…' : `Update ${selected.size} station${selected.size === 1 ? '' : 's'}`}
          </button>
        </div>
      )}
      {canEdit && files.length === 0 && <p class="panel__note">Upload a firmware file to update stations.</p>}
      {stations.length === 0 ? (
        <p class="empty">No stations yet.</p>
      ) : (
        <div class="table-scroll">
          <table class="data-table">
            <thead>
              <tr>
                {canEdit && <th />}
                <th>Station</th>
                <th>Model</th>
                <th>Firmware</th>
                <th>Connection</th>
                <th>Update status</th>
                {canEdit && <th>Just sent</th>}
              </tr>
            </thead>
            <tbody>
              {stations.map((s) => {
                const state = stateOf.get(s.id);
                const outcome = outcomes[s.id];
                return (
                  <tr key={s.id} data-testid="rollout-station" data-station-id={s.id}>
                    {canEdit && (
                      <td>
                        <input type="checkbox" aria-label={`Update ${s.id}`} checked={selected.has(s.id)} disabled={!s.connected} onChange={(e) => toggle(s.id, e.currentTarget.checked)} />
                      </td>
                    )}
                    <td>
                      <a href={href('stations', s.id)}>{s.id}</a>
                    </td>
                    <td>{vendorAndModel(s)}</td>
                    <td data-testid="rollout-version">{s.firmwareVersion ?? '—'}</td>
                    <td>{s.connected ? 'connected' : 'offline'}</td>
                    <td data-testid="rollout-status" class={state && FAILED.test(state.status) ? 'text-fault' : undefined}>
                      {state ? `${firmwareStatusText(state.status)} · ${formatDateTime(state.at)}` : '—'}
                    </td>
                    {canEdit && (
                      <td data-testid="rollout-outcome" class={outcome && !outcome.ok ? 'text-fault' : undefined}>
                        {outcome?.text ?? ''}
                      </td>
                    )}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
