import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.preset';

export default defineConfig(packageBuild({
  index: 'src/index.ts',
  'cli/bin': 'src/cli/bin.ts'
}));
