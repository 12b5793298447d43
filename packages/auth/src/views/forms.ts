import type { QueryDict } from '@manouche/core';

/** One field of the ready-made forms, for templates to render. */
export interface FormField {
  name: string;
  label: string;
  type: 'text' | 'password' | 'email';
  autocomplete: string;
  /** Validators' help texts (new password fields). */
  helpTexts?: string[];
}

/**
 * The small forms of the ready-made views: the submitted values (never a
 * password), errors by field and the non-field errors. Templates render
 * `form.fields`, `form.value(name)`, `form.errors[name]` and `form.nonFieldErrors`.
 */
export class AuthForm {
  readonly errors: Record<string, string[]> = {};
  readonly nonFieldErrors: string[] = [];
  private readonly values: Record<string, string> = {};

  constructor(
    readonly fields: readonly FormField[],
    data?: QueryDict,
  ) {
    for (const field of fields) this.values[field.name] = data?.get(field.name) ?? '';
  }

  /** The submitted value (what the view checks). */
  cleaned(name: string): string {
    return this.values[name] ?? '';
  }

  /** The value to show again: never a password. */
  value(name: string): string {
    const field = this.fields.find((f) => f.name === name);
    return field && field.type !== 'password' ? (this.values[name] ?? '') : '';
  }

  /** Add "This field is required." to each empty field; true when all are filled. */
  requireAll(): boolean {
    for (const field of this.fields) if (!this.values[field.name]) this.addError(field.name, 'This field is required.');
    return this.isValid;
  }

  addError(field: string | null, message: string): void {
    if (field === null) this.nonFieldErrors.push(message);
    else (this.errors[field] ??= []).push(message);
  }

  get isValid(): boolean {
    return this.nonFieldErrors.length === 0 && Object.keys(this.errors).length === 0;
  }
}

export const usernameField = (label = 'Username'): FormField => ({ name: 'username', label, type: 'text', autocomplete: 'username' });
export const passwordField = (name: string, label: string, autocomplete: string, helpTexts?: string[]): FormField => ({ name, label, type: 'password', autocomplete, helpTexts });
