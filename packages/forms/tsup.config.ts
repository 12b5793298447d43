import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.preset';

// shims: template-dir.ts finds the bundled templates/ folder with __dirname, in the ESM build too
export default defineConfig(packageBuild({
  index: 'src/index.ts',
  templates: 'src/templates.ts',
  orm: 'src/orm/index.ts',
}, { shims: true }));
