// Entry point of the API reference page (/api/docs), bundled by scripts/build/web.ts into assets/api-docs.js.
import { render } from 'preact';
import { ApiDocs } from './api-docs.tsx';

const root = document.getElementById('app');
if (!root) throw new Error('api-docs.html has no #app element');
render(<ApiDocs />, root);
