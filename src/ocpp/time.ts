/**
 * Normalises a charger's timestamp to ISO 8601 UTC. Chargers send timestamps without a zone (taken as UTC),
 * with odd precision, or not at all; an unusable value falls back to the time of receipt.
 */
export function normalizeTimestamp(value: unknown, now?: Date): string {
  if (typeof value === 'string' && value.length > 0) {
    const trimmed = value.trim();
    // Almost every charger sends UTC with a Z: no need to look further (this runs for every meter value).
    const hasZone = trimmed.endsWith('Z') || /(z|[+-]\d{2}:?\d{2})$/.test(trimmed);
    const parsed = Date.parse(hasZone ? trimmed : `${trimmed}Z`);
    if (!Number.isNaN(parsed)) return new Date(parsed).toISOString();
  }
  return (now ?? new Date()).toISOString();
}
