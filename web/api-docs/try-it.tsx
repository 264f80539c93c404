import { useState } from 'preact/hooks';
import type { Session } from './api-docs.tsx';
import type { Entry, Schema } from './openapi-types.ts';

interface Reply {
  status: number;
  text: string;
}

/** A skeleton body: the required fields of the schema, with their defaults or empty values. */
function exampleBody(schema: Schema | undefined): string {
  if (!schema || schema['type'] !== 'object') return '{}';
  const properties = (schema['properties'] ?? {}) as Record<string, Schema>;
  const required = (schema['required'] ?? []) as string[];
  const empty = (s: Schema | undefined): unknown => s?.['default'] ?? (Array.isArray(s?.['enum']) ? (s['enum'] as unknown[])[0] : s?.['type'] === 'integer' || s?.['type'] === 'number' ? 0 : s?.['type'] === 'boolean' ? false : '');
  return JSON.stringify(Object.fromEntries(required.map((name) => [name, empty(properties[name])])), null, 2);
}

const pretty = (text: string) => {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
};

/** Sends the request from the browser, with its session cookie (and CSRF token on changes), and shows the answer. */
export function TryIt({ entry, session }: { entry: Entry; session: Session }) {
  const { method, path, op } = entry;
  const parameters = op.parameters ?? [];
  const jsonBody = op.requestBody?.content['application/json'];
  const [values, setValues] = useState<Record<string, string>>({});
  const [body, setBody] = useState(exampleBody(jsonBody?.schema));
  const [reply, setReply] = useState<Reply | null>(null);
  const [busy, setBusy] = useState(false);

  const send = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    let url = path.replace(/\{([^}]+)\}/g, (_all, name: string) => encodeURIComponent(values[`path:${name}`] ?? ''));
    const query = new URLSearchParams();
    for (const p of parameters) if (p.in === 'query' && values[`query:${p.name}`]) query.set(p.name, values[`query:${p.name}`]!);
    if (query.size) url += `?${query}`;
    const headers: Record<string, string> = {};
    if (method !== 'GET' && session.csrfToken) headers['x-csrf-token'] = session.csrfToken;
    if (jsonBody) headers['content-type'] = 'application/json';
    try {
      const res = await fetch(url, { method, headers, credentials: 'same-origin', ...(jsonBody && method !== 'GET' ? { body } : {}) });
      setReply({ status: res.status, text: pretty(await res.text()) });
    } catch (error) {
      setReply({ status: 0, text: (error as Error).message });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="docs-try" onSubmit={send} aria-label="Try it">
      <h3>Try it</h3>
      {parameters.map((p) => {
        const key = `${p.in}:${p.name}`;
        return (
          <label key={key} class="docs-field">
            <span>
              {p.name}
              {p.required ? ' *' : ''}
            </span>
            <input value={values[key] ?? ''} placeholder={p.schema['default'] !== undefined ? String(p.schema['default']) : ''} onInput={(e) => setValues({ ...values, [key]: e.currentTarget.value })} />
          </label>
        );
      })}
      {jsonBody && (
        <label class="docs-field">
          <span>Body (JSON)</span>
          <textarea rows={8} value={body} onInput={(e) => setBody(e.currentTarget.value)} />
        </label>
      )}
      <button type="submit" class="button button--primary" disabled={busy}>
        Send {method}
      </button>
      {reply && (
        <div class="docs-reply" role="status">
          <p>
            HTTP <strong class="docs-status">{reply.status}</strong>
          </p>
          <pre>{reply.text}</pre>
        </div>
      )}
    </form>
  );
}
