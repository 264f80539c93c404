import type { CommandRunner } from '../../commands/runner.ts';
import type { JsonSchema, RouteSpec } from './define-route.ts';

/** A JSON body the handler passes on to a service that checks it with `schema` (the same object): documented, not checked twice. */
export function bodyCheckedBy(schema: JsonSchema, checker: string): RouteSpec['rawBody'] {
  return { contentType: 'application/json', description: `Checked by ${checker} (field-level 400s)`, schema };
}

/** The body of a route that runs a station command: that command's parameters, checked by the command runner. */
export function commandBody(commands: CommandRunner, name: string): RouteSpec['rawBody'] {
  return bodyCheckedBy(commands.list().find((s) => s.name === name)?.params ?? { type: 'object' }, `the command runner (the ${name} command’s parameters)`);
}
