import { dirname } from 'node:path';
import { runReadmeExampleFromTarball } from '../../../test-support/readme-example';

describe('the published package', () => {
  it('installs from its tarball into a fresh project with better-sqlite3 and runs the README example', () => {
    // the monorepo's compiled better-sqlite3, so the check does not rebuild the native module
    const { stdout, expected } = runReadmeExampleFromTarball('orm', { extra: [dirname(require.resolve('better-sqlite3/package.json'))] });
    expect(stdout).toBe(expected);
  }, 300_000);
});
