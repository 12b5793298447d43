import type { Engine } from './engine';

/** Express's view-engine callback signature (`app.engine(ext, fn)`), without depending on express. */
export type ExpressViewEngine = (filePath: string, options: object, callback: (error: unknown, rendered?: string) => void) => void;

/** Keys Express adds to the render options that are not template variables. */
const EXPRESS_KEYS = new Set(['settings', '_locals', 'cache']);

/**
 * Use an Engine as an Express view engine:
 *
 * ```ts
 * app.engine('eta', expressEngine(engine));
 * app.set('view engine', 'eta');
 * app.set('views', templatesDir); // one of the engine's dirs
 * ```
 *
 * `res.render('page', { title })` then renders `page.eta` with `app.locals`,
 * `res.locals` and the given variables (asynchronously, so templates may
 * await), compiled once and cached like any other render.
 */
export function expressEngine(engine: Engine): ExpressViewEngine {
  return (filePath, options, callback) => {
    const name = engine.loader.nameOf(filePath, engine.extension);
    if (name === undefined) {
      callback(new Error(`The view ${JSON.stringify(filePath)} is not inside the template engine's folders (${engine.loader.roots.join(', ') || 'none configured'}): set Express's "views" to one of them.`));
      return;
    }
    const context: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(options)) if (!EXPRESS_KEYS.has(key)) context[key] = value;
    engine.renderAsync(name, context).then(
      (html) => callback(null, html),
      (error: unknown) => callback(error),
    );
  };
}
