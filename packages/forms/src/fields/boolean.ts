import { CheckboxInput } from '../widgets/widget';
import { NullBooleanSelect } from '../widgets/choice';
import { Field } from './field';

/**
 * Django's BooleanField: a checkbox. `required` (the default) means it must
 * be ticked ("I accept the terms"); use `required: false` for a plain yes/no.
 */
export class BooleanField extends Field<boolean> {
  static override defaultWidget = CheckboxInput;

  toPython(value: unknown): boolean {
    // a hidden input sends "False"/"0" as text
    if (typeof value === 'string' && (value.toLowerCase() === 'false' || value === '0')) return false;
    return Boolean(value);
  }

  override validate(value: boolean): void {
    if (!value && this.required) throw this.error('required');
  }

  override hasChanged(initial: unknown, data: unknown): boolean {
    if (this.disabled) return false;
    return this.toPython(initial) !== this.toPython(data);
  }
}

/** Django's NullBooleanField: true, false or null (unknown); never required. */
export class NullBooleanField extends Field<boolean | null> {
  static override defaultWidget = NullBooleanSelect;

  toPython(value: unknown): boolean | null {
    if (value === true || value === 'True' || value === 'true' || value === '1') return true;
    if (value === false || value === 'False' || value === 'false' || value === '0') return false;
    return null;
  }

  override validate(): void {}

  override hasChanged(initial: unknown, data: unknown): boolean {
    if (this.disabled) return false;
    return this.toPython(initial) !== this.toPython(data);
  }
}
