// Database backups in the data directory: the daily ones and those made here; back up now; download (admins only).
import { DataTable } from '../data-table.tsx';
import { formatDateTime } from '../format.ts';
import { usePoll } from '../use-poll.ts';
import { backupUrl, createBackup, fetchBackups } from './settings-api.ts';
import { formatBytes } from '../format-bytes.ts';
import { useRowAction } from './use-row-action.tsx';

export function BackupsSection() {
  const backups = usePoll(fetchBackups, [], 0);
  const action = useRowAction(backups.reload);
  return (
    <section class="panel" data-testid="backups-section">
      <header class="panel__header">
        <h2>Backups</h2>
        <button class="button button--primary" onClick={() => action.run(async () => `Backup ${(await createBackup()).name} made.`)} data-testid="backup-now">
          Back up now
        </button>
      </header>
      <p class="panel__note">
        A backup is a complete copy of the database. Restore one with <code>ampyard restore FILE</code> while the appliance is stopped. Daily backups are made automatically (see
        --backup-keep); of those made with "Back up now" the newest are kept (10 unless set with --manual-backup-keep).
      </p>
      {action.view}
      {backups.data?.items.length === 0 ? (
        <p class="empty">No backups yet.</p>
      ) : (
        <DataTable testId="backups-table" columns={['File', 'Kind', 'Made', '#Size', '']}>
          {backups.data?.items.map((b) => (
            <tr key={b.name} data-testid="backup-row" data-name={b.name}>
              <td class="mono">{b.name}</td>
              <td>{b.kind === 'daily' ? 'daily' : 'on request'}</td>
              <td>{formatDateTime(b.createdAt)}</td>
              <td class="num">{formatBytes(b.bytes)}</td>
              <td class="cell-actions">
                <a class="button button--quiet" href={backupUrl(b.name)} download={b.name} data-testid="backup-download">
                  Download
                </a>
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </section>
  );
}
