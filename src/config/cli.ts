import { readFileSync } from 'node:fs';
import { ConfigError, coerce, defaults, settings, type Config } from './config.ts';

export type Command =
  | { kind: 'help' }
  | { kind: 'version' }
  | { kind: 'serve'; config: Config }
  /** `ampyard <tool> [options] [tool args]`: options before or after the tool name configure it (e.g. --data-dir). */
  | { kind: 'tool'; name: string; args: string[]; config: Config };

const booleanFlags = new Set(settings.filter((s) => s.kind === 'boolean').map((s) => s.flag));

/** Precedence: defaults < config file (--config or AMPYARD_CONFIG) < environment < command line. */
/** True for our flags that take a value (`--port 80`), so that the value is not read as a command name. */
function takesValue(arg: string): boolean {
  if (arg.includes('=')) return false;
  return arg === '--config' || settings.some((s) => s.flag === arg && s.kind !== 'boolean');
}

export function parseCommandLine(argv: string[], env: NodeJS.ProcessEnv, tools: readonly string[] = []): Command {
  // The first argument that is neither a flag nor a flag's value names a tool; the tool gets every argument
  // that is not one of our own options.
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg.startsWith('-')) {
      if (takesValue(arg)) i++;
      continue;
    }
    if (!tools.includes(arg)) throw new ConfigError(`unknown command ${arg} (commands: ${tools.length ? tools.join(', ') : 'none'}; see ampyard --help)`);
    const ours = argv.slice(0, i);
    const theirs: string[] = [];
    const rest = argv.slice(i + 1);
    for (let j = 0; j < rest.length; j++) {
      const flag = rest[j]!.split('=')[0]!;
      if (flag === '--config' || settings.some((s) => s.flag === flag)) {
        ours.push(rest[j]!);
        if (takesValue(rest[j]!) && rest[j + 1] !== undefined) ours.push(rest[++j]!);
      } else {
        theirs.push(rest[j]!);
      }
    }
    const parsed = parseCommandLine(ours, env);
    return parsed.kind === 'serve' ? { kind: 'tool', name: arg, args: theirs, config: parsed.config } : parsed;
  }
  const fromFlags: Partial<Record<keyof Config, unknown>> = {};
  let configFile: string | undefined = env['AMPYARD_CONFIG'];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') return { kind: 'help' };
    if (arg === '--version' || arg === '-v') return { kind: 'version' };
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const takeValue = (): string => {
      if (inline !== undefined) return inline;
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) throw new ConfigError(`${flag} needs a value (see ampyard --help)`);
      i++;
      return next;
    };
    if (flag === '--config') {
      configFile = takeValue();
      continue;
    }
    const setting = settings.find((s) => s.flag === flag);
    if (!setting) throw new ConfigError(`unknown option ${arg} (see ampyard --help)`);
    fromFlags[setting.key] = booleanFlags.has(flag) && inline === undefined ? true : takeValue();
  }

  const config: Config = { ...defaults };
  const assign = (key: keyof Config, value: Config[keyof Config]) => {
    (config as unknown as Record<string, unknown>)[key] = value;
  };
  if (configFile) {
    for (const [key, value] of Object.entries(readConfigFile(configFile))) {
      const setting = settings.find((s) => s.key === key);
      if (!setting) throw new ConfigError(`config file ${configFile}: unknown setting "${key}" (known: ${settings.map((s) => s.key).join(', ')})`);
      assign(setting.key, coerce(setting, value, `config file ${configFile}, "${key}"`));
    }
  }
  for (const setting of settings) {
    const raw = env[setting.env];
    if (raw !== undefined && raw !== '') assign(setting.key, coerce(setting, raw, `environment variable ${setting.env}`));
  }
  for (const setting of settings) {
    if (setting.key in fromFlags) assign(setting.key, coerce(setting, fromFlags[setting.key], `option ${setting.flag}`));
  }
  return { kind: 'serve', config };
}

function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read config file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`config file ${file} is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(`config file ${file} must hold a JSON object of settings, e.g. {"port": 8080}`);
  }
  return parsed as Record<string, unknown>;
}

export function helpText(version: string, tools: Array<[string, { summary: string; usage: string }]> = []): string {
  const rows = settings.map((s) => {
    const flag = s.kind === 'boolean' ? s.flag : `${s.flag} <${s.kind === 'port' || s.kind === 'integer' ? 'n' : 'value'}>`;
    return `  ${flag.padEnd(28)} ${s.help} (default ${JSON.stringify(defaults[s.key])}; env ${s.env})`;
  });
  return [
    `Ampyard ${version} — charging station management for EV fleet depots`,
    '',
    'Usage: ampyard [options]            start the appliance',
    '       ampyard <command> [options]  run a tool on the data directory (see below)',
    '',
    'Starts the appliance: admin UI, REST API and OCPP server on one port, data in one folder.',
    '',
    'Options:',
    ...rows,
    `  ${'--config <file>'.padEnd(28)} JSON file of settings, keys as in the API (env AMPYARD_CONFIG)`,
    `  ${'--help'.padEnd(28)} this text`,
    `  ${'--version'.padEnd(28)} print the version`,
    '',
    'Precedence: defaults < config file < environment < command line.',
    ...(tools.length ? ['', 'Commands:', ...tools.map(([name, t]) => `  ${t.usage.padEnd(40)} ${t.summary}`)] : []),
  ].join('\n');
}
