const SECRET_NAMES = /^(AuthorizationKey|BasicAuthPassword)$/i;
const MENTIONS_SECRET = /AuthorizationKey|BasicAuthPassword/i;
const REDACTED = '(redacted)';

function redactIn(value: unknown): void {
  if (Array.isArray(value)) {
    for (const item of value) redactIn(item);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  const o = value as Record<string, unknown>;
  const variable = o['variable'] as { name?: unknown } | undefined;
  const named = (typeof o['key'] === 'string' && SECRET_NAMES.test(o['key'])) || (typeof variable?.name === 'string' && SECRET_NAMES.test(variable.name));
  if (named) {
    for (const field of ['value', 'attributeValue']) if (typeof o[field] === 'string') o[field] = REDACTED;
    // NotifyReport: the values sit in variableAttribute[].
    if (Array.isArray(o['variableAttribute'])) for (const a of o['variableAttribute'] as Array<Record<string, unknown>>) if (typeof a?.['value'] === 'string') a['value'] = REDACTED;
  }
  for (const [key, child] of Object.entries(o)) {
    if (SECRET_NAMES.test(key) && typeof child === 'string') o[key] = REDACTED;
    else redactIn(child);
  }
}

/**
 * An OCPP-J frame as text with station passwords blanked: 1.6 AuthorizationKey (ChangeConfiguration,
 * GetConfiguration), 2.x BasicAuthPassword (SetVariables, GetVariables, NotifyReport) and 2.1's
 * NetworkConnectionProfile.basicAuthPassword. Frames that mention none are returned as they are.
 */
export function redactSecrets(text: string): string {
  if (!MENTIONS_SECRET.test(text)) return text;
  try {
    const frame = JSON.parse(text) as unknown[];
    redactIn(frame);
    return JSON.stringify(frame);
  } catch {
    return '(unreadable frame that mentions a password; not kept)';
  }
}
