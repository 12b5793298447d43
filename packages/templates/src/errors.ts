/**
 * Where in a template something went wrong. Core's DEBUG page shows it when
 * attached to the thrown error as `error.templateDebug`.
 */
export interface TemplateDebugInfo {
  /** The template's name, as it was asked for (`blog/article.eta`). */
  name: string;
  line: number;
  column: number;
  /** The lines around the error, numbered, the bad one marked with `>`. */
  source: string;
}

/** Base class of every error this package raises. */
export class TemplateError extends Error {
  templateDebug?: TemplateDebugInfo;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }

  /** Attach a location; the message gains it too, so logs show it without the debug page. */
  locate(info: TemplateDebugInfo): this {
    if (this.templateDebug) return this;
    this.templateDebug = info;
    this.message += `\n  in ${describeLocation(info)}`;
    return this;
  }
}

/** Django's TemplateDoesNotExist: no loader found the name; `tried` lists the files looked at. */
export class TemplateDoesNotExist extends TemplateError {
  readonly templateName: string;
  readonly tried: readonly string[];

  constructor(templateName: string, tried: readonly string[], reason?: string) {
    const looked = tried.length ? ` Tried: ${tried.join(', ')}.` : '';
    super(`Template ${JSON.stringify(templateName)} does not exist.${looked}${reason ? ` ${reason}` : ''}`);
    this.templateName = templateName;
    this.tried = tried;
  }
}

/** A template that cannot compile: bad Eta tags, bad JavaScript, an unknown filter, a misused block. */
export class TemplateSyntaxError extends TemplateError {}

/** A template name that would leave the template directories, or is not a valid name at all. */
export class SuspiciousTemplateName extends TemplateError {}

/** Something threw while a template rendered; `cause` holds the original error. */
export class TemplateRenderError extends TemplateError {}

/** `"page.eta", line 4, column 14:` followed by the numbered source excerpt. */
export function describeLocation(info: TemplateDebugInfo): string {
  return `${JSON.stringify(info.name)}, line ${info.line}, column ${info.column}:\n${info.source}`;
}

/**
 * The lines around `line` (1-based), numbered, with the bad one marked and a
 * caret under `column`: what Django's debug page and Eta's errors show.
 */
export function sourceExcerpt(source: string, line: number, column: number, around = 2): string {
  const lines = source.split(/\r\n|\r|\n/);
  const first = Math.max(1, line - around);
  const last = Math.min(lines.length, line + around);
  const width = String(last).length;
  const out: string[] = [];
  for (let n = first; n <= last; n++) {
    out.push(`${n === line ? '>' : ' '} ${String(n).padStart(width)} | ${lines[n - 1]}`);
    if (n === line && column > 0) out.push(`  ${' '.repeat(width)} | ${' '.repeat(column - 1)}^`);
  }
  return out.join('\n');
}

/** Line and column (1-based) of a character offset in `source`. */
export function positionAt(source: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < source.length; i++) {
    if (source.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}
