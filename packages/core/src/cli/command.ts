import type { Application } from '../app/application';
import type { Progress } from './progress';

export interface CommandOption {
  /** Long name without dashes: `port` for `--port`. */
  name: string;
  /** One-letter alias: `p` for `-p`. */
  short?: string;
  type: 'string' | 'number' | 'boolean';
  help: string;
  default?: string | number | boolean;
}

export interface CommandContext {
  app: Application;
  /** Positional arguments after the command name. */
  args: string[];
  /** Parsed options, typed by each option's `type`. */
  options: Record<string, string | number | boolean | undefined>;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** A progress reporter for long work (a bar on a terminal, periodic lines otherwise). */
  progress(label: string, total?: number): Progress;
  /** Ask a question on the terminal; rejects when input is not interactive. */
  prompt(question: string, options?: { hidden?: boolean }): Promise<string>;
}

/** A `manouche <name>` command (Django's management command). */
export interface Command {
  name: string;
  help: string;
  /** Usage of positional arguments, e.g. `[app_label] [migration_name]`. */
  args?: string;
  options?: CommandOption[];
  /** Return an exit code (default 0). */
  run(context: CommandContext): Promise<number | void> | number | void;
}

/** A command failed in a way the user can fix; printed without a stack trace. */
export class CommandError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.name = 'CommandError';
    this.exitCode = exitCode;
  }
}

export function defineCommand(command: Command): Command {
  return command;
}
