import { defineConfig } from 'tsup';

// The app runs from one CommonJS bundle; its dependencies stay in node_modules.
export default defineConfig({
  entry: { manage: 'src/manage.ts' },
  format: ['cjs'],
  target: 'node20',
  platform: 'node',
  clean: true,
  sourcemap: true,
});
