// The small pieces every response schema is built from.
import type { JsonSchema } from './define-route.ts';

export const text = { type: 'string' };
export const nullableText = { type: ['string', 'null'] };
export const time = { type: 'string', format: 'date-time' };
export const nullableTime = { type: ['string', 'null'], format: 'date-time' };
export const nullableInteger = { type: ['integer', 'null'] };
export const nullableNumber = { type: ['number', 'null'] };

/** An object whose every listed property is required (the handlers send nulls rather than leaving fields out). */
export const record = (description: string, properties: Record<string, JsonSchema>): JsonSchema => ({ type: 'object', description, required: Object.keys(properties), properties });
