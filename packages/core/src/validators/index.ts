export { formatMessage, ValidationError } from './errors';
export type { ErrorParams, Validator } from './errors';
export {
  BaseValidator,
  DecimalValidator,
  EmailValidator,
  FileExtensionValidator,
  MaxLengthValidator,
  MaxValueValidator,
  MinLengthValidator,
  MinValueValidator,
  ProhibitNullCharactersValidator,
  RegexValidator,
  runValidator,
  runValidators,
  StepValueValidator,
  URLValidator,
  validateCommaSeparatedIntegerList,
  validateEmail,
  validateInteger,
  validateIpv46Address,
  validateIpv4Address,
  validateIpv6Address,
  validateSlug,
  validateUnicodeSlug,
} from './validators';
export type { ValidatorLike } from './validators';
