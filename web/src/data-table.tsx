// A scrollable data table: its column headings (a trailing "" for an actions column; "#…" for a number column) and rows.
import type { ComponentChildren } from 'preact';

export function DataTable({ testId, columns, children }: { testId?: string; columns: string[]; children: ComponentChildren }) {
  return (
    <div class="table-scroll">
      <table class="data-table" data-testid={testId}>
        <thead>
          <tr>
            {columns.map((c, i) => (c.startsWith('#') ? <th key={i} class="num">{c.slice(1)}</th> : <th key={i}>{c}</th>))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
