// The small pieces every response schema is built from.
import type { JsonSchema } from './define-route.ts';

export const text = { type: 'string' };
export const nullableText = { type: ['string', 'null'] };
export const time = { type: 'string', format: 'date-time' };
export const nullableTime = { type: ['string', 'null'], format: 'date-time' };
export const nullableInteger = { type: ['integer', 'null'] };
export const nullableNumber = { type: ['number', 'null'] };
export const nullableBoolean = { type: ['boolean', 'null'] };

/** The schema or null. */
export const orNull = (schema: JsonSchema): JsonSchema => ({ oneOf: [{ type: 'null' }, schema] });
/** A reference to one of the document's component schemas. */
export const schemaRef = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });

/** Where on an OCPP 2.x station something is (ComponentVariableRef without the variable: a component). */
export const componentFields = { component: text, componentInstance: nullableText, evseId: nullableInteger, connectorId: nullableInteger };
/** ComponentVariableRef (src/domain/station-event.ts): a variable of a component. */
export const componentVariableFields = { ...componentFields, variable: text, variableInstance: nullableText };

/** An object whose every listed property is required (the handlers send nulls rather than leaving fields out). */
export const record = (description: string, properties: Record<string, JsonSchema>): JsonSchema => ({ type: 'object', description, required: Object.keys(properties), properties });
