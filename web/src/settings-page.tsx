// Settings, one section at a time (#/settings/<section>); a section shows only to the roles the API lets use it.
import { AboutSection } from './settings/about-section.tsx';
import { ApiTokensSection } from './settings/api-tokens-section.tsx';
import { BackupsSection } from './settings/backups-section.tsx';
import { SecuritySection } from './settings/security-section.tsx';
import { SiteSection } from './settings/site-section.tsx';
import { UsersSection } from './settings/users-section.tsx';
import { WebhooksSection } from './settings/webhooks-section.tsx';
import { href } from './router.ts';
import { useSession } from './session.tsx';

const SECTIONS = [
  { key: 'site', label: 'Site', adminOnly: false },
  { key: 'users', label: 'Users', adminOnly: true },
  { key: 'api-tokens', label: 'API tokens', adminOnly: true },
  { key: 'webhooks', label: 'Webhooks', adminOnly: true },
  { key: 'security', label: 'Security', adminOnly: true },
  { key: 'backups', label: 'Backups', adminOnly: true },
  { key: 'about', label: 'About', adminOnly: false },
] as const;

export function SettingsPage({ section }: { section?: string }) {
  const admin = useSession().user.role === 'admin';
  const visible = SECTIONS.filter((s) => admin || !s.adminOnly);
  const active = visible.find((s) => s.key === section)?.key ?? 'site';
  return (
    <main class="page" data-testid="settings-page">
      <nav class="tabs" aria-label="Settings" data-testid="settings-tabs">
        {visible.map((s) => (
          <a key={s.key} href={href('settings', s.key)} class={s.key === active ? 'tabs__tab is-active' : 'tabs__tab'} aria-current={s.key === active ? 'page' : undefined} data-testid={`settings-tab-${s.key}`}>
            {s.label}
          </a>
        ))}
      </nav>
      {active === 'users' ? (
        <UsersSection />
      ) : active === 'api-tokens' ? (
        <ApiTokensSection />
      ) : active === 'webhooks' ? (
        <WebhooksSection />
      ) : active === 'security' ? (
        <SecuritySection />
      ) : active === 'backups' ? (
        <BackupsSection />
      ) : active === 'about' ? (
        <AboutSection />
      ) : (
        <SiteSection canEdit={admin} />
      )}
    </main>
  );
}
