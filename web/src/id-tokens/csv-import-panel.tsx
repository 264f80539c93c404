// CSV import of ID tokens: the file is checked first (a dry run) and its problems shown by line; nothing is stored until "Import".
import { useState } from 'preact/hooks';
import { ApiError, describeError, type FieldError } from '../api.ts';
import { importCsv, type ImportCounts } from './id-tokens-api.ts';

type Preview = { kind: 'ok'; counts: ImportCounts } | { kind: 'problems'; message: string; lines: FieldError[] };

export function CsvImportPanel({ onImported }: { onImported: () => void }) {
  const [csv, setCsv] = useState<string | null>(null);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  const check = async (dryRun: boolean, text: string) => {
    setBusy(true);
    setMessage(null);
    try {
      const counts = await importCsv(text, dryRun);
      if (dryRun) setPreview({ kind: 'ok', counts });
      else {
        setPreview(null);
        setCsv(null);
        setMessage({ ok: true, text: `Imported: ${counts.created} created, ${counts.updated} updated.` });
        onImported();
      }
    } catch (error) {
      if (error instanceof ApiError && error.fields.length > 0) setPreview({ kind: 'problems', message: error.message, lines: error.fields });
      else setMessage({ ok: false, text: describeError(error) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="panel" data-testid="csv-import">
      <header class="panel__header">
        <h2>Import from CSV</h2>
      </header>
      <p class="panel__note">
        First line: the column names, any of <code>token,type,status,expiresAt,groupId,label</code> (token is required). Existing tokens are updated; a column left out keeps its
        value. The whole file is imported, or nothing when a line has a problem.
      </p>
      <div class="form-row">
        <label class="field">
          <span>CSV file</span>
          <input
            type="file"
            accept=".csv,text/csv"
            data-testid="csv-file"
            onChange={(e) => {
              const file = e.currentTarget.files?.[0];
              setPreview(null);
              if (file)
                void file.text().then((text) => {
                  setCsv(text);
                  void check(true, text);
                });
            }}
          />
        </label>
      </div>
      {preview?.kind === 'problems' && (
        <div class="result result--error" role="alert" data-testid="csv-problems">
          <p>{preview.message}</p>
          <table class="data-table">
            <tbody>
              {preview.lines.map((l, i) => (
                <tr key={i} data-testid="csv-problem">
                  <td class="mono">{l.field}</td>
                  <td>{l.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {preview?.kind === 'ok' && csv && (
        <p class="result result--ok" data-testid="csv-preview">
          {preview.counts.total} row(s): {preview.counts.created} new, {preview.counts.updated} to update.{' '}
          <button class="button button--primary" disabled={busy} onClick={() => void check(false, csv)} data-testid="csv-import-confirm">
            Import
          </button>
        </p>
      )}
      {message && (
        <p class={`result ${message.ok ? 'result--ok' : 'result--error'}`} role="status" data-testid="csv-result">
          {message.text}
        </p>
      )}
    </section>
  );
}
