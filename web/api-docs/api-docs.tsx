import { useEffect, useState } from 'preact/hooks';
import { entriesOf, type Document, type Entry } from './openapi-types.ts';
import { OperationList } from './operation-list.tsx';
import { OperationView } from './operation-view.tsx';

export interface Session {
  username: string | null;
  csrfToken: string | null;
}

const selectedId = () => new URLSearchParams(location.hash.slice(1)).get('op');

/** The page: the operations by tag on the left, the chosen one (in `#op=<operationId>`) with its "try it" form on the right. */
export function ApiDocs() {
  const [doc, setDoc] = useState<Document | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [session, setSession] = useState<Session>({ username: null, csrfToken: null });
  const [selected, setSelected] = useState<string | null>(selectedId());

  useEffect(() => {
    fetch('/api/v1/openapi.json')
      .then((res) => (res.ok ? res.json() : Promise.reject(new Error(`HTTP ${res.status}`))))
      .then(setDoc, (error: Error) => setProblem(`Could not load the API description: ${error.message}`));
    fetch('/api/v1/auth/me', { credentials: 'same-origin' })
      .then((res) => (res.ok ? res.json() : null))
      .then((me: { user?: { username: string }; csrfToken?: string } | null) => me && setSession({ username: me.user?.username ?? null, csrfToken: me.csrfToken ?? null }))
      .catch(() => undefined);
    const onHash = () => setSelected(selectedId());
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);

  if (problem) return <p class="docs-problem" role="alert">{problem}</p>;
  if (!doc) return <p class="docs-loading">Loading the API description…</p>;
  const entries = entriesOf(doc);
  const current: Entry | undefined = entries.find((e) => e.op.operationId === selected) ?? entries[0];
  return (
    <div class="docs">
      <header class="docs-header">
        <h1>{doc.info.title}</h1>
        <span class="docs-version">v{doc.info.version}</span>
        <a href="/api/v1/openapi.json" class="docs-link">openapi.json</a>
        <span class="docs-session">{session.username ? `Signed in as ${session.username}` : <a href="/">Sign in to try requests</a>}</span>
      </header>
      <p class="docs-intro">{doc.info.description}</p>
      <div class="docs-body">
        <OperationList doc={doc} entries={entries} selected={current?.op.operationId} />
        {current && <OperationView key={current.op.operationId} entry={current} session={session} />}
      </div>
    </div>
  );
}
