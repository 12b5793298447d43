/**
 * Declare the context each template expects, and `render('article.eta', ctx)`
 * is checked by the compiler:
 *
 * ```ts
 * declare module '@manouche/templates' {
 *   interface TemplateContexts {
 *     'article.eta': { article: { title: string } };
 *   }
 * }
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface TemplateContexts {}

/** The declared context of template `N`, or any object when it declares none. */
export type ContextFor<N extends string> = N extends keyof TemplateContexts ? TemplateContexts[N] : Record<string, unknown>;
