// No middleware at all: the floor the security stack is measured against.
import { serve } from './app.mjs';

await serve({ MIDDLEWARE: [] });
