import type { Application } from '../app/application';
import { parseArguments } from './arguments';
import { type Command, type CommandContext, CommandError } from './command';
import { checkCommand } from './commands/check';
import { isReloaderParent, runserverCommand, startReloader } from './commands/runserver';
import { Progress } from './progress';
import { prompt } from './prompt';

export type ProjectLoader = Application | (() => Application | Promise<Application>);

export interface ExecuteOptions {
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
}

const builtins: Command[] = [runserverCommand, checkCommand];

function helpText(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.help}`);
  return `Usage: manouche <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nRun "manouche help <command>" for a command's options.\n`;
}

function commandHelp(command: Command): string {
  const options = (command.options ?? []).map((o) => {
    const flag = `${o.short ? `-${o.short}, ` : ''}--${o.name}${o.type === 'boolean' ? '' : ` <${o.type}>`}`;
    return `  ${flag.padEnd(28)} ${o.help}${o.default !== undefined && o.type !== 'boolean' ? ` (default: ${o.default})` : ''}`;
  });
  return `Usage: manouche ${command.name}${command.args ? ` ${command.args}` : ''} [options]\n\n${command.help}\n${options.length ? `\nOptions:\n${options.join('\n')}\n` : ''}`;
}

/**
 * Django's `execute_from_command_line`: the body of a project's `manage.ts`.
 *
 * ```ts
 * executeFromCommandLine(() => import('./project').then((m) => m.app));
 * ```
 * Resolves to the exit code; the app's pools are closed when a command ends.
 */
export async function executeFromCommandLine(project: ProjectLoader, argv: readonly string[] = process.argv.slice(2), io: ExecuteOptions = {}): Promise<number> {
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  const [name, ...rest] = argv;
  let app: Application | undefined;
  const loadApp = async (): Promise<Application> => (app ??= typeof project === 'function' ? await project() : project);
  try {
    if (name === 'runserver') {
      const { options } = parseArguments(rest, runserverCommand.options ?? [], name);
      if (isReloaderParent(options)) return await startReloader(options, stdout);
    }
    const loaded = await loadApp();
    const commands = [...builtins, ...loaded.commands];
    if (!name || name === 'help' || name === '--help' || name === '-h') {
      const target = rest[0] && commands.find((c) => c.name === rest[0]);
      stdout.write(target ? commandHelp(target) : helpText(commands));
      return 0;
    }
    const command = commands.find((c) => c.name === name);
    if (!command) {
      stderr.write(`Unknown command: ${JSON.stringify(name)}. Known commands: ${commands.map((c) => c.name).join(', ')}.\nType "manouche help" for usage.\n`);
      return 2;
    }
    if (rest.includes('--help') || rest.includes('-h')) {
      stdout.write(commandHelp(command));
      return 0;
    }
    const { args, options } = parseArguments(rest, command.options ?? [], command.name);
    const context: CommandContext = {
      app: loaded,
      args,
      options,
      stdout,
      stderr,
      progress: (label, total) => new Progress(stdout, label, total),
      prompt,
    };
    const code = await command.run(context);
    return typeof code === 'number' ? code : 0;
  } catch (error) {
    if (error instanceof CommandError) {
      stderr.write(`CommandError: ${error.message}\n`);
      return error.exitCode;
    }
    stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 1;
  } finally {
    if (app && name !== 'runserver') await app.close().catch(() => undefined);
  }
}
