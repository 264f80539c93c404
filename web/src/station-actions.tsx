// Remote start/stop, reset, unlock, availability, trigger message and clear cache through the commands API.
import { useState } from 'preact/hooks';
import { CommandResultLine } from './command-result.tsx';
import type { Transaction } from './domain-api.ts';
import type { Station } from './station-types.ts';
import { useStationCommand } from './use-station-command.ts';

const TRIGGERS = ['StatusNotification', 'MeterValues', 'Heartbeat', 'BootNotification', 'DiagnosticsStatusNotification', 'FirmwareStatusNotification'];

export function StationActions({ station, active }: { station: Station; active: Transaction[] }) {
  const { busy, result, run } = useStationCommand(station.id);
  const evseIds = station.evses.map((e) => e.evseId).filter((id) => id > 0);
  const [evseId, setEvseId] = useState<number>(evseIds[0] ?? 1);
  const [idToken, setIdToken] = useState('');
  const [trigger, setTrigger] = useState(TRIGGERS[0]);

  const disabled = busy || !station.connected;

  return (
    <section class="panel" data-testid="station-actions">
      <header class="panel__header">
        <h2>Actions</h2>
        {!station.connected && <span class="panel__hint">The station is offline; commands are disabled.</span>}
      </header>
      <div class="actions">
        <div class="actions__row">
          <span class="actions__label">Session</span>
          <label class="inline-field">
            EVSE
            <select value={evseId} onChange={(e) => setEvseId(Number(e.currentTarget.value))} data-testid="action-evse">
              {(evseIds.length ? evseIds : [1]).map((id) => (
                <option key={id} value={id}>
                  {id}
                </option>
              ))}
            </select>
          </label>
          <form
            class="actions__group"
            onSubmit={(e) => {
              e.preventDefault();
              void run('Remote start', 'startCharging', { idToken: idToken.trim(), evseId });
            }}
          >
            <input placeholder="ID token" value={idToken} onInput={(e) => setIdToken(e.currentTarget.value)} data-testid="start-id-token" required />
            <button class="button button--primary" disabled={disabled || idToken.trim() === ''} data-testid="action-start">
              Start
            </button>
          </form>
          {active.map((tx) => (
            <button key={tx.id} class="button button--danger" disabled={disabled} data-testid="action-stop" onClick={() => void run(`Stop session ${tx.id}`, 'stopCharging', { transactionId: tx.id })}>
              Stop #{tx.id} (EVSE {tx.evseId})
            </button>
          ))}
        </div>
        <div class="actions__row">
          <span class="actions__label">EVSE {evseId}</span>
          <button class="button" disabled={disabled} data-testid="action-unlock" onClick={() => void run('Unlock', 'unlock', { evseId })}>
            Unlock
          </button>
          <button class="button" disabled={disabled} onClick={() => void run('Set operative', 'changeAvailability', { evseId, operative: true })}>
            Operative
          </button>
          <button class="button" disabled={disabled} onClick={() => void run('Set inoperative', 'changeAvailability', { evseId, operative: false })}>
            Inoperative
          </button>
        </div>
        <div class="actions__row">
          <span class="actions__label">Station</span>
          <span class="actions__group">
            <select value={trigger} onChange={(e) => setTrigger(e.currentTarget.value)} aria-label="Message to trigger">
              {TRIGGERS.map((t) => (
                <option key={t}>{t}</option>
              ))}
            </select>
            <button class="button" disabled={disabled} onClick={() => void run(`Trigger ${trigger}`, 'trigger', { message: trigger })}>
              Trigger
            </button>
          </span>
          <button class="button" disabled={disabled} onClick={() => void run('Clear cache', 'clearCache', {})}>
            Clear cache
          </button>
          <button class="button" disabled={disabled} data-testid="action-reset-soft" onClick={() => void run('Soft reset', 'reset', { type: 'soft' })}>
            Soft reset
          </button>
          <button
            class="button button--danger"
            disabled={disabled}
            onClick={() => {
              if (confirm(`Hard-reset ${station.id} now? Running sessions are interrupted.`)) void run('Hard reset', 'reset', { type: 'hard' });
            }}
          >
            Hard reset
          </button>
        </div>
      </div>
      <CommandResultLine result={result} />
    </section>
  );
}
