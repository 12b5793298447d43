import type { Translator } from '../config';
import type { DataSource, FileSource } from '../data';
import type { Attrs } from '../utils/attrs';
import { type ChoiceLabel, type ChoicesInput, type ChoiceValue, type NormalizedChoice, normalizeChoices } from '../utils/choices';
import { toText } from '../utils/values';
import { Widget, type WidgetContext, type WidgetOptions } from './widget';

/** One <option> or radio/checkbox, as a template receives it. */
export interface OptionData {
  name: string;
  value: string;
  label: ChoiceLabel;
  selected: boolean;
  index: string;
  attrs: Attrs;
  type: string | undefined;
  templateName: string;
  wrapLabel: boolean;
}

export interface OptionGroup {
  /** The <optgroup> label, or null for choices outside a group. */
  name: ChoiceLabel | null;
  options: OptionData[];
  index: number;
}

export interface ChoiceWidgetOptions extends WidgetOptions {
  choices?: ChoicesInput;
}

/** Django's ChoiceWidget: Select, SelectMultiple, RadioSelect and CheckboxSelectMultiple. */
export abstract class ChoiceWidget extends Widget {
  allowMultipleSelected = false;
  /** Whether option ids get `_<index>` (radios and checkboxes: yes; <option>: no). */
  addIdIndex = true;
  checkedAttribute: Attrs = { checked: true };
  /** Whether each option gets the widget's attrs (radios and checkboxes do). */
  optionInheritsAttrs = true;
  abstract optionTemplateName: string;
  private choiceSource: ChoicesInput | Iterable<NormalizedChoice> = [];

  constructor(options: ChoiceWidgetOptions = {}) {
    super(options);
    if (options.choices !== undefined) this.choices = options.choices;
  }

  /** The choices, as a list of `[value, label]` or `[groupLabel, [[value, label], …]]`. */
  get choices(): readonly NormalizedChoice[] {
    return normalizeChoices(this.choiceSource as ChoicesInput);
  }

  set choices(choices: ChoicesInput | Iterable<NormalizedChoice>) {
    this.choiceSource = choices;
  }

  optgroups(name: string, value: string[], attrs: Attrs | undefined): OptionGroup[] {
    const groups: OptionGroup[] = [];
    // one selected value is the common case: no Set for it
    const wanted: { has(v: string): boolean } = value.length === 1 ? { has: (v) => v === value[0] } : new Set(value);
    let hasSelected = false;
    let index = 0;
    for (const [groupValue, groupLabel] of this.choices) {
      const isGroup = Array.isArray(groupLabel);
      const entries = isGroup ? (groupLabel as readonly (readonly [ChoiceValue, ChoiceLabel])[]) : [[groupValue, groupLabel as ChoiceLabel] as const];
      const options: OptionData[] = [];
      let subindex = isGroup ? 0 : undefined;
      for (const [optionValue, optionLabel] of entries) {
        const text = optionValue === null || optionValue === undefined ? '' : toText(optionValue);
        const selected: boolean = (!hasSelected || this.allowMultipleSelected) && wanted.has(text);
        hasSelected ||= selected;
        options.push(this.createOption(name, text, optionLabel, selected, index, subindex, attrs));
        if (subindex !== undefined) subindex++;
      }
      groups.push({ name: isGroup ? (groupValue === null ? '' : (groupValue as ChoiceLabel)) : null, options, index });
      index++;
    }
    return groups;
  }

  createOption(name: string, value: string, label: ChoiceLabel, selected: boolean, index: number, subindex: number | undefined, attrs: Attrs | undefined): OptionData {
    const position = subindex === undefined ? String(index) : `${index}_${subindex}`;
    const optionAttrs: Attrs = this.optionInheritsAttrs ? Object.assign({}, this.attrs, attrs) : {};
    if (selected) Object.assign(optionAttrs, this.checkedAttribute);
    if (optionAttrs.id) optionAttrs.id = this.idForLabel(String(optionAttrs.id), position);
    return { name, value, label, selected, index: position, attrs: optionAttrs, type: this.inputType, templateName: this.optionTemplateName, wrapLabel: true };
  }

  override getContext(name: string, value: unknown, attrs: Attrs | undefined, translate: Translator): WidgetContext {
    const context = super.getContext(name, value, attrs, translate);
    context.widget.optgroups = this.optgroups(name, context.widget.value as string[], attrs);
    return context;
  }

  override idForLabel(id: string, index = '0'): string {
    return id && this.addIdIndex ? `${id}_${index}` : id;
  }

  override valueFromData(data: DataSource, _files: FileSource, name: string): unknown {
    return this.allowMultipleSelected ? data.getList(name) : data.get(name);
  }

  override formatValue(value: unknown): string[] {
    if ((value === null || value === undefined) && this.allowMultipleSelected) return [];
    const values = Array.isArray(value) ? value : [value];
    return values.map((v) => (v === null || v === undefined ? '' : toText(v)));
  }
}

export class Select extends ChoiceWidget {
  templateName = 'forms/widgets/select.eta';
  optionTemplateName = 'forms/widgets/select_option.eta';
  override addIdIndex = false;
  override checkedAttribute: Attrs = { selected: true };
  override optionInheritsAttrs = false;

  override getContext(name: string, value: unknown, attrs: Attrs | undefined, translate: Translator): WidgetContext {
    const context = super.getContext(name, value, attrs, translate);
    if (this.allowMultipleSelected) context.widget.attrs.multiple = true;
    return context;
  }

  /**
   * Browsers treat `required` on a <select> as "pick something other than
   * the first, empty option": without an empty first option it would be
   * meaningless, so it is left out (Django does the same).
   */
  override useRequiredAttribute(initial: unknown): boolean {
    const base = super.useRequiredAttribute(initial);
    if (this.allowMultipleSelected) return base;
    const first = this.choices[0];
    return base && first !== undefined && !Array.isArray(first[1]) && (first[0] === '' || first[0] === null);
  }
}

/** Django's NullBooleanSelect: Unknown / Yes / No. */
export class NullBooleanSelect extends Select {
  constructor(options: WidgetOptions = {}) {
    super(options);
    this.choices = [['unknown', 'Unknown'], ['true', 'Yes'], ['false', 'No']];
  }

  override getContext(name: string, value: unknown, attrs: Attrs | undefined, translate: Translator): WidgetContext {
    const context = super.getContext(name, value, attrs, translate);
    for (const group of context.widget.optgroups as OptionGroup[]) for (const option of group.options) option.label = translate(String(option.label));
    return context;
  }

  override formatValue(value: unknown): string[] {
    if (value === true || value === 'True' || value === 'true' || value === '2') return ['true'];
    if (value === false || value === 'False' || value === 'false' || value === '3') return ['false'];
    return ['unknown'];
  }

  override valueFromData(data: DataSource, _files: FileSource, name: string): boolean | null {
    const value = data.get(name);
    if (value === true || value === 'True' || value === 'true' || value === '2') return true;
    if (value === false || value === 'False' || value === 'false' || value === '3') return false;
    return null;
  }
}

export class SelectMultiple extends Select {
  override allowMultipleSelected = true;

  override valueOmittedFromData(): boolean {
    // an empty multiple select sends nothing at all: absence is an empty choice, not an omission
    return false;
  }
}

export class RadioSelect extends ChoiceWidget {
  override inputType = 'radio';
  templateName = 'forms/widgets/radio.eta';
  optionTemplateName = 'forms/widgets/input_option.eta';
  override useFieldset = true;

  /** The group's <legend> points at no single radio, so a label without an index points nowhere. */
  override idForLabel(id: string, index?: string): string {
    return index === undefined ? '' : super.idForLabel(id, index);
  }
}

export class CheckboxSelectMultiple extends RadioSelect {
  override allowMultipleSelected = true;
  override inputType = 'checkbox';
  override templateName = 'forms/widgets/checkbox_select.eta';

  /** `required` on each box would make the browser demand every one be ticked. */
  override useRequiredAttribute(): boolean {
    return false;
  }

  override valueOmittedFromData(): boolean {
    return false;
  }
}
