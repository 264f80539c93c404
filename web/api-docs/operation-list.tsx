import { useState } from 'preact/hooks';
import type { Document, Entry } from './openapi-types.ts';

/** Every operation, grouped by tag, with a filter. */
export function OperationList({ doc, entries, selected }: { doc: Document; entries: Entry[]; selected: string | undefined }) {
  const [filter, setFilter] = useState('');
  const needle = filter.trim().toLowerCase();
  const shown = entries.filter((e) => !needle || `${e.method} ${e.path} ${e.op.summary}`.toLowerCase().includes(needle));
  return (
    <nav class="docs-nav" aria-label="Operations">
      <input class="docs-filter" type="search" placeholder="Filter operations" aria-label="Filter operations" value={filter} onInput={(e) => setFilter(e.currentTarget.value)} />
      {doc.tags.map(({ name }) => {
        const ops = shown.filter((e) => e.op.tags.includes(name));
        if (!ops.length) return null;
        return (
          <section key={name} class="docs-tag">
            <h2>{name}</h2>
            <ul>
              {ops.map((e) => (
                <li key={e.op.operationId}>
                  <a href={`#op=${e.op.operationId}`} class={e.op.operationId === selected ? 'docs-op docs-op--selected' : 'docs-op'} title={e.op.summary}>
                    <span class={`docs-method docs-method--${e.method.toLowerCase()}`}>{e.method}</span>
                    <span class="docs-path">{e.path}</span>
                  </a>
                </li>
              ))}
            </ul>
          </section>
        );
      })}
    </nav>
  );
}
