import { href } from './router.ts';

const ITEMS = [
  { key: 'dashboard', label: 'Dashboard' },
  { key: 'stations', label: 'Stations' },
  { key: 'sessions', label: 'Sessions' },
  { key: 'id-tokens', label: 'ID tokens' },
  { key: 'load-management', label: 'Load management' },
  { key: 'vehicles', label: 'Fleet vehicles' },
  { key: 'firmware', label: 'Firmware' },
  { key: 'settings', label: 'Settings' },
] as const;

export function NavBar({ active }: { active: string }) {
  return (
    <nav class="navbar" aria-label="Main">
      <div class="navbar__inner">
        {ITEMS.map((item) => (
          <a key={item.key} href={href(item.key)} class={item.key === active ? 'navbar__link is-active' : 'navbar__link'} aria-current={item.key === active ? 'page' : undefined} data-testid={`nav-${item.key}`}>
            {item.label}
          </a>
        ))}
      </div>
    </nav>
  );
}
