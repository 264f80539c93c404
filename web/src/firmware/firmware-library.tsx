// The firmware library: images uploaded here are what stations download when an update is started.
import { useState } from 'preact/hooks';
import { describeError } from '../api.ts';
import { ErrorBanner } from '../error-banner.tsx';
import { deleteFirmware, uploadFirmware, type FirmwareFile } from '../firmware-api.ts';
import { formatBytes } from '../format-bytes.ts';
import { formatDateTime } from '../format.ts';

export function FirmwareLibrary({ files, maxBytes, canEdit, onChanged }: { files: FirmwareFile[] | undefined; maxBytes: number | undefined; canEdit: boolean; onChanged(): void }) {
  const [chosen, setChosen] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  const act = async (work: () => Promise<unknown>, done: string) => {
    setBusy(true);
    setMessage(null);
    try {
      await work();
      setMessage({ ok: true, text: done });
      onChanged();
    } catch (error) {
      setMessage({ ok: false, text: describeError(error) });
    } finally {
      setBusy(false);
    }
  };
  const upload = (file: File) => {
    if (maxBytes !== undefined && file.size > maxBytes) {
      setMessage({ ok: false, text: `${file.name} is ${formatBytes(file.size)}; the library takes files up to ${formatBytes(maxBytes)}.` });
      return;
    }
    void act(() => uploadFirmware(file), `Uploaded ${file.name}.`).then(() => setChosen(null));
  };

  return (
    <section class="panel" data-testid="firmware-library">
      <header class="panel__header">
        <h2>Firmware files {files && <span class="count">{files.length}</span>}</h2>
      </header>
      {canEdit && (
        <div class="form-row">
          <label class="field">
            <span>Firmware image{maxBytes !== undefined ? ` (up to ${formatBytes(maxBytes)})` : ''}</span>
            <input type="file" data-testid="firmware-file" onChange={(e) => setChosen(e.currentTarget.files?.[0] ?? null)} />
          </label>
          <button type="button" class="button button--primary" disabled={!chosen || busy} onClick={() => chosen && upload(chosen)} data-testid="firmware-upload">
            {busy ? 'Uploading…' : 'Upload'}
          </button>
        </div>
      )}
      {message && (message.ok ? <p class="result result--ok" data-testid="firmware-library-result">{message.text}</p> : <ErrorBanner testId="firmware-library-error" title="Failed." message={message.text} onDismiss={() => setMessage(null)} />)}
      {files && files.length === 0 ? (
        <p class="empty">No firmware files yet{canEdit ? ': upload the image the charger vendor supplies.' : '.'}</p>
      ) : (
        <div class="table-scroll">
          <table class="data-table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Size</th>
                <th>SHA-256</th>
                <th>Uploaded</th>
                {canEdit && <th />}
              </tr>
            </thead>
            <tbody>
              {files?.map((f) => (
                <tr key={f.id} data-testid="firmware-row" data-firmware-id={f.id}>
                  <td>{f.name}</td>
                  <td>{formatBytes(f.size)}</td>
                  <td>
                    <code title={f.sha256}>{f.sha256.slice(0, 16)}…</code>
                  </td>
                  <td>{formatDateTime(f.createdAt)}</td>
                  {canEdit && (
                    <td>
                      <button type="button" class="button button--quiet" disabled={busy} onClick={() => confirm(`Delete ${f.name}?`) && void act(() => deleteFirmware(f.id), `Deleted ${f.name}.`)} data-testid="firmware-delete">
                        Delete
                      </button>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
