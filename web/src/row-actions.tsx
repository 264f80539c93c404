// The Edit and Delete buttons at the end of a table row.
export function RowActions({ onEdit, onDelete, deleteLabel = 'Delete', testIdPrefix }: { onEdit(): void; onDelete(): void; deleteLabel?: string; testIdPrefix: string }) {
  return (
    <td class="cell-actions">
      <button type="button" class="button button--quiet" onClick={onEdit} data-testid={`${testIdPrefix}-edit`}>
        Edit
      </button>
      <button type="button" class="button button--quiet" onClick={onDelete} data-testid={`${testIdPrefix}-delete`}>
        {deleteLabel}
      </button>
    </td>
  );
}
