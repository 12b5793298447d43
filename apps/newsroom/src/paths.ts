import { resolve } from 'node:path';

/**
 * The newsroom's own folder: templates, static files, media, migrations and
 * the SQLite file live under it. This module sits at the top of src/ so that
 * `..` is the app folder both from the sources and from the dist/ bundle.
 */
export const BASE_DIR = resolve(__dirname, '..');
