import { executeFromCommandLine } from '@manouche/core';
import { createNewsroom } from './project';

// Django's manage.py: `node dist/manage.js runserver`, `… check --deploy`, `… help`.
executeFromCommandLine(createNewsroom).then((code) => {
  process.exitCode = code;
});
