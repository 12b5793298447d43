import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.preset';

// shims: the ESM build gets __filename/__dirname, used to find the shipped
// common-passwords list and to resolve hash-wasm for the hashing threads
export default defineConfig(packageBuild({
  index: 'src/index.ts'
}, { shims: true }));
