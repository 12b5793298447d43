/** Values substituted into a message's `%(name)s` placeholders. */
export type ErrorParams = Record<string, unknown>;

const PLACEHOLDER = /%\((\w+)\)([sdr])/g;

/** Django's `%(name)s` interpolation (`%(name)r` quotes the value, like Python's repr). */
export function formatMessage(message: string, params?: ErrorParams): string {
  if (!params) return message;
  return message.replace(PLACEHOLDER, (whole, name: string, conversion: string) => {
    if (!(name in params)) return whole;
    const value = params[name];
    if (conversion === 'r') return typeof value === 'string' ? `'${value}'` : String(value);
    return String(value);
  });
}

type ErrorInput = string | ValidationError | Array<string | ValidationError> | Record<string, string | ValidationError | Array<string | ValidationError>>;

/**
 * Django's ValidationError: one message (with a stable `code` and `params`),
 * a list of errors, or a dictionary of errors per field. Raised by
 * validators, `fullClean()`, and forms.
 */
export class ValidationError extends Error {
  /** The single error's raw message, before params are applied. */
  readonly rawMessage: string | undefined;
  readonly code: string | undefined;
  readonly params: ErrorParams | undefined;
  /** Set when the error holds a list of errors. */
  readonly errorList: ValidationError[];
  /** Set when the error is keyed by field name. */
  readonly errorDict: Record<string, ValidationError[]> | undefined;

  constructor(message: ErrorInput, code?: string, params?: ErrorParams) {
    let rawMessage: string | undefined;
    let errorList: ValidationError[];
    let errorDict: Record<string, ValidationError[]> | undefined;
    if (message instanceof ValidationError) {
      rawMessage = message.rawMessage;
      code = message.code;
      params = message.params;
      errorList = message.errorList;
      errorDict = message.errorDict;
    } else if (Array.isArray(message)) {
      errorList = message.flatMap((m) => new ValidationError(m).errorList);
    } else if (typeof message === 'object' && message !== null) {
      errorDict = {};
      for (const [field, messages] of Object.entries(message)) errorDict[field] = new ValidationError(messages).errorList;
      errorList = Object.values(errorDict).flat();
    } else {
      rawMessage = String(message);
      errorList = [];
    }
    // No message yet: forms build several of these per invalid submission and show them through
    // `messages`, so the text is only formatted when something reads `message` (or `stack`).
    super();
    this.name = 'ValidationError';
    this.rawMessage = rawMessage;
    this.code = code;
    this.params = params;
    this.errorList = rawMessage !== undefined ? [this] : errorList;
    this.errorDict = errorDict;
  }

  /** Django's str(error): the formatted message, or the list's / dictionary's messages joined. */
  override get message(): string {
    if (this.rawMessage !== undefined) return formatMessage(this.rawMessage, this.params);
    if (this.errorDict) return Object.entries(this.errorDict).map(([f, errors]) => `${f}: ${errors.map((e) => e.message).join(' ')}`).join('; ');
    return this.errorList.map((e) => e.message).join(' ');
  }

  /** The formatted messages, flattened. */
  get messages(): string[] {
    return this.errorList.map((e) => e.message);
  }

  /** `{ field: [messages] }`; errors not tied to a field go under `__all__`. */
  get messageDict(): Record<string, string[]> {
    if (!this.errorDict) return { __all__: this.messages };
    const out: Record<string, string[]> = {};
    for (const [field, errors] of Object.entries(this.errorDict)) out[field] = errors.flatMap((e) => e.messages);
    return out;
  }

  /** Errors grouped by field (`__all__` when not field-specific), for merging into another error dict. */
  updateErrorDict(target: Record<string, ValidationError[]>): Record<string, ValidationError[]> {
    const source = this.errorDict ?? { __all__: this.errorList };
    for (const [field, errors] of Object.entries(source)) (target[field] ??= []).push(...errors);
    return target;
  }
}

/** A validator raises ValidationError for a bad value and returns nothing otherwise. */
export type Validator<T = unknown> = (value: T) => void;
