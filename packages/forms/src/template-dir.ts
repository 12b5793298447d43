import { join } from 'node:path';

// This module sits at the top of src/ (and its bundle at the top of dist/), so the
// package folder is one level up in the sources and in the build alike.
/** The package folder: its `templates/forms/*.eta` are the default form templates. */
export const FORMS_PACKAGE_DIR = join(__dirname, '..');

/** The folder holding `forms/div.eta` and the other default templates. */
export const FORMS_TEMPLATES_DIR = join(FORMS_PACKAGE_DIR, 'templates');
