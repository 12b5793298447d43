import type { CommandOption } from './command';
import { CommandError } from './command';

export interface ParsedArguments {
  args: string[];
  options: Record<string, string | number | boolean | undefined>;
}

/** Parse `--name value`, `--name=value`, `-n value` and `--flag` against a command's declared options. */
export function parseArguments(argv: readonly string[], declared: readonly CommandOption[], commandName: string): ParsedArguments {
  const options: ParsedArguments['options'] = {};
  for (const option of declared) if (option.default !== undefined) options[option.name] = option.default;
  const args: string[] = [];
  const find = (token: string): CommandOption | undefined =>
    token.startsWith('--') ? declared.find((o) => o.name === token.slice(2) || (o.type === 'boolean' && `no-${o.name}` === token.slice(2))) : declared.find((o) => o.short === token.slice(1));
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === '--') {
      args.push(...argv.slice(i + 1));
      break;
    }
    if (!token.startsWith('-') || token === '-') {
      args.push(token);
      continue;
    }
    const eq = token.indexOf('=');
    const name = eq === -1 ? token : token.slice(0, eq);
    const option = find(name);
    if (!option) {
      const known = declared.map((o) => `--${o.name}`).join(', ') || 'none';
      throw new CommandError(`${commandName}: unknown option ${name}. Options: ${known}.`, 2);
    }
    if (option.type === 'boolean') {
      options[option.name] = !name.startsWith('--no-');
      continue;
    }
    const raw = eq === -1 ? argv[++i] : token.slice(eq + 1);
    if (raw === undefined) throw new CommandError(`${commandName}: option --${option.name} needs a value.`, 2);
    if (option.type === 'number') {
      const n = Number(raw);
      if (!Number.isFinite(n)) throw new CommandError(`${commandName}: --${option.name} must be a number; got ${JSON.stringify(raw)}.`, 2);
      options[option.name] = n;
    } else {
      options[option.name] = raw;
    }
  }
  return { args, options };
}
