// About this appliance: version, data directory, uptime, database size, licence, API reference.
import { usePoll } from '../use-poll.ts';
import { formatBytes } from '../format-bytes.ts';
import { fetchAbout } from './settings-api.ts';

function formatUptime(seconds: number): string {
  const days = Math.floor(seconds / 86400);
  const hours = Math.floor((seconds % 86400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  return days > 0 ? `${days} d ${hours} h` : hours > 0 ? `${hours} h ${minutes} min` : `${minutes} min`;
}

export function AboutSection() {
  const about = usePoll(fetchAbout, [], 30000);
  const a = about.data;
  return (
    <section class="panel" data-testid="about-section">
      <header class="panel__header">
        <h2>About Ampyard</h2>
      </header>
      {about.error && <p class="result result--error">{about.error}</p>}
      {a && (
        <dl class="facts">
          <dt>Version</dt>
          <dd data-testid="about-version">{a.version}</dd>
          <dt>Data directory</dt>
          <dd class="mono">{a.dataDir}</dd>
          <dt>Running for</dt>
          <dd>{formatUptime(a.uptimeSeconds)}</dd>
          <dt>Database size</dt>
          <dd>{formatBytes(a.databaseBytes)}</dd>
          <dt>Licence</dt>
          <dd>{a.licence}</dd>
          <dt>API reference</dt>
          <dd>
            <a href={a.apiDocs} target="_blank" rel="noopener">
              {a.apiDocs}
            </a>
          </dd>
        </dl>
      )}
    </section>
  );
}
