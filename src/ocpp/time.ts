/**
 * Normalises a charger's timestamp to ISO 8601 UTC. Chargers send timestamps without a zone (taken as UTC),
 * with odd precision, or not at all; an unusable value falls back to the time of receipt.
 */
export function normalizeTimestamp(value: unknown, now: Date = new Date()): string {
  if (typeof value !== 'string' || value.length === 0) return now.toISOString();
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/i.test(value.trim());
  const parsed = new Date(hasZone ? value : `${value.trim()}Z`);
  return Number.isNaN(parsed.getTime()) ? now.toISOString() : parsed.toISOString();
}
