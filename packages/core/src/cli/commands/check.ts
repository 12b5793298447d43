import { isSerious, runChecks, type CheckMessage } from '../../checks/registry';
import { defineCommand } from '../command';

export function formatCheckMessage(m: CheckMessage): string {
  return `?: (${m.id}) ${m.msg}${m.hint ? `\n\tHINT: ${m.hint}` : ''}`;
}

/** Django's `check`: run the system checks; exit 1 on any error. */
export const checkCommand = defineCommand({
  name: 'check',
  help: 'Inspect the project for common problems (add --deploy for production settings).',
  options: [
    { name: 'deploy', type: 'boolean', help: 'Also run the deployment checks (security settings).' },
    { name: 'fail-level', type: 'string', help: 'Exit non-zero at this level or above: ERROR (default) or WARNING.', default: 'ERROR' },
  ],
  async run({ app, options, stdout, stderr }) {
    const failLevel = String(options['fail-level']).toUpperCase();
    if (failLevel !== 'ERROR' && failLevel !== 'WARNING') {
      stderr.write(`--fail-level must be ERROR or WARNING; got ${JSON.stringify(options['fail-level'])}.\n`);
      return 2;
    }
    const messages = await runChecks(app, { deploy: Boolean(options.deploy) });
    if (messages.length === 0) {
      stdout.write('System check identified no issues (0 silenced).\n');
      return 0;
    }
    const errors = messages.filter(isSerious);
    const warnings = messages.filter((m) => m.level === 'WARNING');
    const out = errors.length ? stderr : stdout;
    if (errors.length) out.write(`ERRORS:\n${errors.map(formatCheckMessage).join('\n')}\n\n`);
    if (warnings.length) out.write(`WARNINGS:\n${warnings.map(formatCheckMessage).join('\n')}\n\n`);
    out.write(`System check identified ${messages.length} issue${messages.length === 1 ? '' : 's'} (0 silenced).\n`);
    return errors.length || (failLevel === 'WARNING' && warnings.length) ? 1 : 0;
  },
});
