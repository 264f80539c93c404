// Entry point of the admin UI (bundled by scripts/build/web.ts; styles come from styles.css).
import { render } from 'preact';
import { App } from './app.tsx';
import { SessionGate } from './session.tsx';

const root = document.getElementById('app');
if (!root) throw new Error('index.html has no #app element');
render(
  <SessionGate>
    <App />
  </SessionGate>,
  root,
);
