import { runReadmeExampleFromTarball } from '../../../test-support/readme-example';

describe('the published package', () => {
  it('installs from its tarball into a fresh project and runs the README example (a real Express app)', () => {
    const { stdout, expected } = runReadmeExampleFromTarball('forms', { extra: ['express@^5.1.0'] });
    expect(stdout).toBe(expected);
  }, 180_000);
});
