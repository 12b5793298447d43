import { runReadmeExampleFromTarball } from '../../../test-support/readme-example';

describe('the published package', () => {
  it('installs from its tarball into a fresh project and runs the README example', () => {
    const { stdout, expected } = runReadmeExampleFromTarball('core');
    expect(stdout).toBe(expected);
  }, 180_000);
});
