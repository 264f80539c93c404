import type { Session } from './api-docs.tsx';
import type { Entry, Schema } from './openapi-types.ts';
import { TryIt } from './try-it.tsx';

const typeOf = (schema: Schema): string => {
  if (Array.isArray(schema['enum'])) return (schema['enum'] as unknown[]).map((v) => JSON.stringify(v)).join(' | ');
  if (schema['type'] === 'array') return `${typeOf((schema['items'] as Schema | undefined) ?? {})}[]`;
  const format = typeof schema['format'] === 'string' ? ` (${schema['format']})` : '';
  return `${Array.isArray(schema['type']) ? (schema['type'] as string[]).join(' | ') : ((schema['type'] as string | undefined) ?? 'any')}${format}`;
};

/** One operation: what it does, who may call it, its parameters, body and responses, and a form to try it. */
export function OperationView({ entry, session }: { entry: Entry; session: Session }) {
  const { method, path, op } = entry;
  // The generator ends the description with the role; the page says it in its own line.
  const description = op.description?.replace(/\s*Needs the `\w+` role\.$/, '');
  const body = op.requestBody ? Object.entries(op.requestBody.content)[0] : undefined;
  return (
    <article class="docs-operation" aria-label={`${method} ${path}`}>
      <h2>
        <span class={`docs-method docs-method--${method.toLowerCase()}`}>{method}</span> <code>{path}</code>
      </h2>
      <p class="docs-summary">{op.summary}</p>
      {description && <p class="docs-description">{description}</p>}
      <p class="docs-access">{op.security.length === 0 ? 'No sign-in needed.' : `Needs the ${op['x-required-role'] ?? 'viewer'} role (session cookie or API token).`}</p>
      {op.parameters?.length ? (
        <table class="docs-table">
          <caption>Parameters</caption>
          <thead>
            <tr>
              <th>Name</th>
              <th>In</th>
              <th>Type</th>
              <th>Description</th>
            </tr>
          </thead>
          <tbody>
            {op.parameters.map((p) => (
              <tr key={`${p.in}-${p.name}`}>
                <td>
                  <code>{p.name}</code>
                  {p.required && <span class="docs-required"> required</span>}
                </td>
                <td>{p.in}</td>
                <td>
                  {typeOf(p.schema)}
                  {p.schema['default'] !== undefined && <span class="docs-default"> = {JSON.stringify(p.schema['default'])}</span>}
                </td>
                <td>{p.description}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {body && (
        <details class="docs-schema" open>
          <summary>
            Request body ({body[0]}){op.requestBody?.description ? `: ${op.requestBody.description}` : ''}
          </summary>
          <pre>{JSON.stringify(body[1].schema, null, 2)}</pre>
        </details>
      )}
      <h3>Responses</h3>
      <ul class="docs-responses">
        {Object.entries(op.responses).map(([status, r]) => (
          <li key={status}>
            <code>{status}</code> {r.description ?? r.$ref?.split('/').pop()}
          </li>
        ))}
      </ul>
      <TryIt entry={entry} session={session} />
    </article>
  );
}
