import type { ComponentChildren } from 'preact';

/** The centred card the sign-in and first-run pages are drawn on. */
export function AuthCard({ title, intro, children }: { title: string; intro?: ComponentChildren; children: ComponentChildren }) {
  return (
    <main class="auth-page">
      <section class="auth-card" aria-labelledby="auth-title">
        <div class="brand auth-card__brand">
          <svg class="brand__mark" viewBox="0 0 24 24" aria-hidden="true">
            <rect width="24" height="24" rx="6" />
            <path d="M13.5 3 6 13.5h5L10 21l8-11h-5.2z" />
          </svg>
          <span class="brand__name">Ampyard</span>
        </div>
        <h1 id="auth-title" class="auth-card__title">
          {title}
        </h1>
        {intro && <p class="auth-card__intro">{intro}</p>}
        {children}
      </section>
    </main>
  );
}
