import { resolve } from 'node:path';

/**
 * The newsroom's own folder: templates, static files, media, migrations and
 * the SQLite file live under it. This module sits at the top of src/ so that
 * `..` is the app folder both from the sources and from the dist/ bundle;
 * NEWSROOM_BASE_DIR overrides it for a bundle kept elsewhere.
 */
export const BASE_DIR = process.env.NEWSROOM_BASE_DIR ?? resolve(__dirname, '..');
