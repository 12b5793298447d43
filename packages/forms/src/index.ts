// Forms
/** Django's forms.ValidationError: core's, re-exported so a form module needs one import. */
export { ValidationError } from '@manouche/core';
export { defineForm } from './forms/define';
export type { FieldHooks, Form, FormClass, FormDefinition, FormHooks } from './forms/define';
export { BaseForm, FormError, NON_FIELD_ERRORS } from './forms/form';
export type { CleanedData, FieldMap, FormClassSettings, FormContext, FormOptions, RequestLike } from './forms/form';
export { BoundField } from './forms/bound-field';
export type { LabelContext } from './forms/bound-field';
export { ErrorDict, ErrorList } from './forms/errors';
export type { ErrorListContext, ErrorListOptions } from './forms/errors';
export type { DataSource, FileSource, FilesInput, FormDataInput } from './data';

// Fields
export { fields } from './fields/index';
export type { ChoiceValues } from './fields/index';
export { Field } from './fields/field';
export type { CleanedValue, FieldOptions, WidgetInput } from './fields/field';
export { CharField, EmailField, GenericIPAddressField, JSONField, RegexField, SlugField, URLField, UUIDField } from './fields/text';
export type { CharFieldOptions, GenericIPAddressFieldOptions, JSONFieldOptions, JsonValue, URLFieldOptions } from './fields/text';
export { DecimalField, FloatField, IntegerField } from './fields/numbers';
export type { DecimalFieldOptions, NumberFieldOptions } from './fields/numbers';
export { BooleanField, NullBooleanField } from './fields/boolean';
export { DateField, DateTimeField, DurationField, TimeField } from './fields/temporal';
export type { DateTimeFieldOptions, TemporalFieldOptions } from './fields/temporal';
export { ChoiceField, MultipleChoiceField, TypedChoiceField, TypedMultipleChoiceField } from './fields/choice';
export type { ChoiceFieldOptions, TypedChoiceFieldOptions } from './fields/choice';
export { FileField, ImageField, formatSize } from './fields/file';
export type { FileFieldOptions, FileValue, ImageFieldOptions, UploadedImage } from './fields/file';
export type { ChoiceEntry, ChoiceLabel, ChoicesInput, ChoiceValue, NormalizedChoice } from './utils/choices';

// Widgets
export {
  CheckboxInput,
  ClearableFileInput,
  ColorInput,
  DateInput,
  DateTimeInput,
  EmailInput,
  FILE_INPUT_CONTRADICTION,
  FileInput,
  HiddenInput,
  Input,
  MultipleHiddenInput,
  NumberInput,
  PasswordInput,
  SearchInput,
  TelInput,
  Textarea,
  TextInput,
  TimeInput,
  URLInput,
  Widget,
} from './widgets/widget';
export type { RenderOptions, StoredFileRef, WidgetContext, WidgetData, WidgetOptions } from './widgets/widget';
export { CheckboxSelectMultiple, ChoiceWidget, NullBooleanSelect, RadioSelect, Select, SelectMultiple } from './widgets/choice';
export type { ChoiceWidgetOptions, OptionData, OptionGroup } from './widgets/choice';
export { flatatt } from './utils/attrs';
export type { Attrs } from './utils/attrs';

// Rendering
export { builtinTemplates, DefaultRenderer, defaultRenderer } from './renderers/default';
export type { CodeTemplate, DefaultRendererOptions } from './renderers/default';
export { FormRenderError } from './renderers/renderer';
export type { FormRenderer } from './renderers/renderer';

// Configuration
export { configureForms, formsConfig } from './config';
export type { FormsConfig, Translator } from './config';

// Formsets
export {
  BaseFormSet,
  DEFAULT_MAX_NUM,
  DELETION_FIELD_NAME,
  formsetFactory,
  INITIAL_FORM_COUNT,
  ManagementForm,
  MAX_NUM_FORM_COUNT,
  MIN_NUM_FORM_COUNT,
  ORDERING_FIELD_NAME,
  TOTAL_FORM_COUNT,
} from './formsets/formset';
export type { FormsetClass, FormsetCleanedData, FormsetOptions, FormsetSettings } from './formsets/formset';

// Files
export { FileSystemStorage, getValidName, SuspiciousFileOperation } from './files/storage';
export type { FileSystemStorageOptions, Storage, StorageContent } from './files/storage';
export { imageInfo, sniffContentType } from './files/sniff';
export type { ImageInfo } from './files/sniff';

// App
export { formsApp } from './app';
export type { FormRendererSetting } from './app';
