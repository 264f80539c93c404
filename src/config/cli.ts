import { readFileSync } from 'node:fs';
import { ConfigError, coerce, defaults, settings, type Config } from './config.ts';

export type Command = { kind: 'help' } | { kind: 'version' } | { kind: 'serve'; config: Config };

const booleanFlags = new Set(settings.filter((s) => s.kind === 'boolean').map((s) => s.flag));

/** Precedence: defaults < config file (--config or AMPYARD_CONFIG) < environment < command line. */
export function parseCommandLine(argv: string[], env: NodeJS.ProcessEnv): Command {
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

export function helpText(version: string): string {
  const rows = settings.map((s) => {
    const flag = s.kind === 'boolean' ? s.flag : `${s.flag} <${s.kind === 'port' || s.kind === 'integer' ? 'n' : 'value'}>`;
    return `  ${flag.padEnd(28)} ${s.help} (default ${JSON.stringify(defaults[s.key])}; env ${s.env})`;
  });
  return [
    `Ampyard ${version} — charging station management for EV fleet depots`,
    '',
    'Usage: ampyard [options]',
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
  ].join('\n');
}
