import { createInterface } from 'node:readline';
import { CommandError } from './command';

/** Ask on the terminal; `hidden` does not echo what is typed (passwords). */
export function prompt(question: string, options: { hidden?: boolean } = {}): Promise<string> {
  const input = process.stdin;
  if (!input.isTTY) {
    return Promise.reject(new CommandError(`Cannot ask "${question.trim()}": standard input is not a terminal. Use --noinput and the documented environment variables instead.`));
  }
  return new Promise((resolve) => {
    const rl = createInterface({ input, output: process.stdout, terminal: true });
    if (options.hidden) {
      // readline echoes through _writeToOutput; print the question only, not the keystrokes
      const internal = rl as unknown as { _writeToOutput: (s: string) => void; output: NodeJS.WritableStream };
      internal._writeToOutput = (text: string) => {
        if (text.startsWith(question) || text === '\r\n' || text === '\n') internal.output.write(text);
      };
    }
    rl.question(question, (answer) => {
      rl.close();
      if (options.hidden) process.stdout.write('\n');
      resolve(answer);
    });
  });
}
