// Query parameters are read and checked by the route registry (src/api/openapi/define-route.ts); JSON bodies here.
import type { Context } from 'hono';
import { ApiError } from './errors.ts';

/** Larger than any JSON body the API takes (an OCPP message sent as-is is at most 4 MiB by default). */
export const MAX_JSON_BODY_BYTES = 8 * 1024 * 1024;

/** The body as text, refusing (413) more than `max` bytes before reading them all into memory. */
export async function cappedText(c: Context, max: number): Promise<string> {
  const tooLarge = () => new ApiError(413, 'too_large', `request body is larger than ${max} bytes`);
  if (Number(c.req.header('content-length')) > max) throw tooLarge();
  // Read through Hono (cached) if something before the route already read it.
  if (c.req.raw.bodyUsed) return c.req.text();
  const body = c.req.raw.body;
  if (!body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > max) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function jsonBody(c: Context): Promise<unknown> {
  const text = await cappedText(c, MAX_JSON_BODY_BYTES);
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError(400, 'validation', 'request body must be JSON');
  }
}
