export { ModelChoiceField, ModelMultipleChoiceField, modelErrors } from './fields';
export type { ModelChoiceFieldOptions, ModelObject } from './fields';
export { BaseModelForm, formFieldFor, modelForm, modelToDict } from './model-form';
export type { EditableName, FieldOverrides, FormValueOf, ModelFieldLike, ModelFormClass, ModelFormDefinition, ModelFormFields, ModelFormMeta, ModelFormOptions } from './model-form';
export { BaseInlineFormSet, BaseModelFormSet, inlineFormsetFactory, modelFormsetFactory } from './formsets';
export type { InlineFormsetClass, InlineFormsetOptions, ModelFormsetClass, ModelFormsetOptions } from './formsets';
