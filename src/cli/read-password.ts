import { ParamsError } from '../commands/params.ts';
import type { ToolIo } from './auth-store.ts';

type TtyInput = NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (raw: boolean) => void };

/** Reads everything piped in and returns its first line (a trailing newline is not part of the password). */
async function readFirstLine(stdin: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stdin) {
    text += chunk.toString();
    if (text.includes('\n') || text.length > 10_000) break;
  }
  return text.split(/\r?\n/)[0] ?? '';
}

/** Asks on the terminal without echoing what is typed. */
function prompt(io: ToolIo, question: string): Promise<string> {
  const stdin = io.stdin as TtyInput;
  return new Promise((resolve, reject) => {
    let answer = '';
    io.stderr.write(question);
    stdin.setRawMode?.(true);
    stdin.resume();
    const done = (error?: Error) => {
      stdin.setRawMode?.(false);
      stdin.pause();
      stdin.off('data', onData);
      io.stderr.write('\n');
      if (error) reject(error);
      else resolve(answer);
    };
    const onData = (chunk: Buffer | string) => {
      for (const char of chunk.toString()) {
        if (char === '\r' || char === '\n') return done();
        if (char === '\u0003' || char === '\u0004') return done(new Error('cancelled'));
        if (char === '\u007f' || char === '\b') answer = answer.slice(0, -1);
        else answer += char;
      }
    };
    stdin.on('data', onData);
  });
}

/**
 * The password for a new user or a reset: from AMPYARD_PASSWORD, else from stdin (piped: its first line;
 * a terminal: asked twice without echo). Never from the command line, where `ps` and the shell history see it.
 */
export async function readNewPassword(io: ToolIo): Promise<string> {
  const fromEnv = io.env['AMPYARD_PASSWORD'];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  if (!(io.stdin as TtyInput).isTTY) return readFirstLine(io.stdin);
  const first = await prompt(io, 'New password: ');
  const second = await prompt(io, 'Repeat it: ');
  if (first !== second) throw new ParamsError([{ field: 'password', message: 'the two entries differ' }]);
  return first;
}
