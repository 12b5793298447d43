import { MinLengthValidator, ProhibitNullCharactersValidator, RegexValidator, ValidationError } from '@manouche/core';
import {
  BooleanField,
  CharField,
  ChoiceField,
  DateField,
  DateTimeField,
  DecimalField,
  DurationField,
  EmailField,
  Field,
  fields,
  FloatField,
  GenericIPAddressField,
  IntegerField,
  JSONField,
  MultipleChoiceField,
  NullBooleanField,
  RegexField,
  SlugField,
  TimeField,
  TypedChoiceField,
  TypedMultipleChoiceField,
  URLField,
  UUIDField,
} from '../src/index';

/** The messages a clean() raises, or the cleaned value. */
function clean(field: Field<unknown>, value: unknown): unknown {
  try {
    return field.clean(value);
  } catch (error) {
    if (error instanceof ValidationError) return { errors: error.messages, codes: error.errorList.map((e) => e.code) };
    throw error;
  }
}
const errors = (field: Field<unknown>, value: unknown): string[] => (clean(field, value) as { errors: string[] }).errors;

describe('CharField', () => {
  it('strips, checks lengths (in code points) and refuses NUL characters', () => {
    const f = new CharField({ minLength: 2, maxLength: 4 });
    expect(f.clean('  ab ')).toBe('ab');
    expect(errors(f, 'a')).toEqual(['Ensure this value has at least 2 characters (it has 1).']);
    expect(errors(f, 'abcde')).toEqual(['Ensure this value has at most 4 characters (it has 5).']);
    expect(f.clean('😀😀😀😀')).toBe('😀😀😀😀');
    expect(errors(f, 'a\0b')).toEqual(['Null characters are not allowed.']);
    expect(errors(f, '   ')).toEqual(['This field is required.']);
  });

  it('keeps whitespace with strip: false and uses the empty value', () => {
    expect(new CharField({ strip: false }).clean(' a ')).toBe(' a ');
    expect(new CharField({ required: false }).clean('')).toBe('');
    expect(new CharField({ required: false, emptyValue: null }).clean(undefined)).toBeNull();
    expect(new CharField({ required: false }).clean(42)).toBe('42');
  });

  it('lets errorMessages replace any message by code, including validators\'', () => {
    const f = new CharField({ maxLength: 3, errorMessages: { required: 'Give a name.', max_length: 'At most %(limit_value)s, not %(show_value)s.' } });
    expect(errors(f, '')).toEqual(['Give a name.']);
    expect(errors(f, 'abcd')).toEqual(['At most 3, not 4.']);
  });

  it('runs custom validators, functions or core validator classes, collecting every error', () => {
    const noX = (v: string): void => {
      if (v.includes('x')) throw new ValidationError('No x.', 'no_x');
    };
    const noY = { validate: (v: string): void => { if (v.includes('y')) throw new ValidationError('No y.', 'no_y'); } };
    const f = new CharField({ validators: [noX, noY] });
    expect(clean(f, 'xy')).toEqual({ errors: ['No x.', 'No y.'], codes: ['no_x', 'no_y'] });
  });

  it("takes core's Django-named validator classes, the same ones the ORM's fields run", () => {
    const f = new CharField({ validators: [new MinLengthValidator(5), new RegexValidator({ regex: /^[a-z]+$/, message: 'Lowercase letters only.' })] });
    expect(clean(f, 'AB')).toEqual({
      errors: ['Ensure this value has at least 5 characters (it has 2).', 'Lowercase letters only.'],
      codes: ['min_length', 'invalid'],
    });
    expect(new CharField({ validators: [new ProhibitNullCharactersValidator()] }).clean('ok')).toBe('ok');
  });
});

describe('EmailField and URLField use core\'s validators', () => {
  it.each([
    ['user@example.com', true], ['first.last+tag@sub.example.co.uk', true], ['"quoted"@example.com', true],
    ['user@localhost', true], ['user@[127.0.0.1]', true], ['user@[::1]', true], ['user@bücher.de', true],
    ['user@', false], ['@example.com', false], ['user@example', false], ['a b@example.com', false],
    ['user@-example.com', false], ['user@example.com.', false], ['user@[300.0.0.1]', false],
  ])('email %s → %s', (value, ok) => {
    const result = clean(new EmailField(), value);
    expect(result === value).toBe(ok);
  });

  it.each([
    ['http://example.com', 'http://example.com'],
    ['example.com', 'https://example.com'],
    ['example.com/path?q=1', 'https://example.com/path?q=1'],
    ['https://user:pass@example.com:8080/x', 'https://user:pass@example.com:8080/x'],
    ['http://[::1]:8000/', 'http://[::1]:8000/'],
    ['http://127.0.0.1/', 'http://127.0.0.1/'],
    ['http://localhost/', 'http://localhost/'],
  ])('url %s cleans to %s', (value, cleaned) => {
    expect(new URLField().clean(value)).toBe(cleaned);
  });

  it.each(['http://', 'http://example', 'javascript:alert(1)', 'http://exa mple.com', 'http://[::1:8000/', 'ftp://-bad-.com/', 'http://999.0.0.1/'])('url %s is refused', (value) => {
    expect(errors(new URLField(), value)).toEqual(['Enter a valid URL.']);
  });

  it('honours assumeScheme', () => {
    expect(new URLField({ assumeScheme: 'http' }).clean('example.com')).toBe('http://example.com');
  });
});

describe('SlugField, RegexField, UUIDField, GenericIPAddressField', () => {
  it('checks slugs', () => {
    expect(new SlugField().clean('a-b_1')).toBe('a-b_1');
    expect(errors(new SlugField(), 'é')).toEqual(['Enter a valid “slug” consisting of letters, numbers, underscores or hyphens.']);
    expect(new SlugField({ allowUnicode: true }).clean('é-1')).toBe('é-1');
  });

  it('matches a regex', () => {
    const f = new RegexField({ regex: /^\d{4}$/, message: 'Four digits.' });
    expect(f.clean('2024')).toBe('2024');
    expect(errors(f, '24')).toEqual(['Four digits.']);
  });

  it('accepts what Python\'s uuid.UUID accepts and cleans to the canonical form', () => {
    const f = new UUIDField();
    const canonical = '12345678-1234-5678-1234-567812345678';
    for (const form of ['12345678123456781234567812345678', '{12345678-1234-5678-1234-567812345678}', 'urn:uuid:12345678-1234-5678-1234-567812345678', '12345678-1234-5678-1234-567812345678'.toUpperCase()]) {
      expect(f.clean(form)).toBe(canonical);
    }
    expect(errors(f, '1234')).toEqual(['Enter a valid UUID.']);
    expect(new UUIDField({ required: false }).clean('')).toBeNull();
  });

  it('cleans IP addresses like Django', () => {
    const f = new GenericIPAddressField();
    expect(f.clean(' 127.0.0.1 ')).toBe('127.0.0.1');
    expect(f.clean('2001:0db8:0000:0000:0000:0000:0000:0001')).toBe('2001:db8::1');
    expect(f.clean('2001:0:0:1:0:0:0:1')).toBe('2001:0:0:1::1');
    expect(f.clean('::ffff:0a0a:0a0a')).toBe('::ffff:10.10.10.10');
    expect(f.clean('1:2:3:4:5:6:7:8')).toBe('1:2:3:4:5:6:7:8');
    expect(new GenericIPAddressField({ unpackIpv4: true }).clean('::ffff:10.10.10.10')).toBe('10.10.10.10');
    expect(errors(f, '256.0.0.1')).toEqual(['Enter a valid IPv4 or IPv6 address.']);
    expect(errors(f, '1:2:3')).toEqual(['This is not a valid IPv6 address.']);
    expect(errors(new GenericIPAddressField({ protocol: 'IPv4' }), '::1')).toEqual(['Enter a valid IPv4 address.']);
    expect(errors(new GenericIPAddressField({ protocol: 'IPv6' }), '1.2.3.4')).toEqual(['Enter a valid IPv6 address.']);
    expect(() => new GenericIPAddressField({ protocol: 'ipx' as never })).toThrow(/protocol must be/);
  });
});

describe('numbers', () => {
  it('IntegerField reads whole numbers the way Django does', () => {
    const f = new IntegerField();
    expect(f.clean('12')).toBe(12);
    expect(f.clean(' -3 ')).toBe(-3);
    expect(f.clean('12.0')).toBe(12);
    expect(f.clean(7)).toBe(7);
    expect(errors(f, '12.5')).toEqual(['Enter a whole number.']);
    expect(errors(f, '1e3')).toEqual(['Enter a whole number.']);
    expect(errors(f, '0x10')).toEqual(['Enter a whole number.']);
    expect(errors(f, '99999999999999999999')).toEqual(['Enter a whole number.']);
    expect(new IntegerField({ required: false }).clean('')).toBeNull();
  });

  it('applies min, max and step, and turns them into attributes', () => {
    const f = new IntegerField({ minValue: 1, maxValue: 10, stepSize: 3 });
    expect(errors(f, '0')).toEqual(['Ensure this value is greater than or equal to 1.', 'Ensure this value is a multiple of step size 3, starting from 1, e.g. 1, 4, 7, and so on.']);
    expect(errors(f, '11')).toEqual(['Ensure this value is less than or equal to 10.', 'Ensure this value is a multiple of step size 3, starting from 1, e.g. 1, 4, 7, and so on.']);
    expect(f.clean('7')).toBe(7);
    expect(f.widget.attrs).toEqual({ min: '1', max: '10', step: '3' });
  });

  it('FloatField refuses non-finite values and sets step="any"', () => {
    const f = new FloatField();
    expect(f.clean('1.5e2')).toBe(150);
    expect(f.clean('.5')).toBe(0.5);
    expect(errors(f, 'Infinity')).toEqual(['Enter a number.']);
    expect(errors(f, 'NaN')).toEqual(['Enter a number.']);
    expect(errors(f, '1e999')).toEqual(['Enter a number.']);
    expect(f.widget.attrs.step).toBe('any');
  });

  it('DecimalField keeps digits exactly and checks maxDigits/decimalPlaces', () => {
    const f = new DecimalField({ maxDigits: 5, decimalPlaces: 2 });
    expect(f.clean('12.50')).toBe('12.50');
    expect(f.clean('.5')).toBe('0.5');
    expect(f.clean('1e2')).toBe('100');
    expect(f.clean('-007.10')).toBe('-7.10');
    expect(errors(f, '1.234')).toEqual(['Ensure that there are no more than 2 decimal places.']);
    expect(errors(f, '123456')).toEqual(['Ensure that there are no more than 5 digits in total.']);
    expect(errors(f, '1234.5')).toEqual(['Ensure that there are no more than 3 digits before the decimal point.']);
    expect(errors(f, 'abc')).toEqual(['Enter a number.']);
    expect(errors(f, '1e99999')).toEqual(['Enter a number.']);
    expect(f.widget.attrs.step).toBe('0.01');
    expect(new DecimalField().widget.attrs.step).toBe('any');
  });
});

describe('booleans', () => {
  it('BooleanField: required means ticked; "false" and "0" are false', () => {
    expect(errors(new BooleanField(), false)).toEqual(['This field is required.']);
    expect(new BooleanField().clean('on')).toBe(true);
    expect(new BooleanField({ required: false }).clean('false')).toBe(false);
    expect(new BooleanField({ required: false }).clean('0')).toBe(false);
    expect(new BooleanField({ required: false }).clean(undefined)).toBe(false);
  });

  it('NullBooleanField maps Django\'s values', () => {
    const f = new NullBooleanField();
    expect([true, 'True', 'true', '1'].map((v) => f.clean(v))).toEqual([true, true, true, true]);
    expect([false, 'False', 'false', '0'].map((v) => f.clean(v))).toEqual([false, false, false, false]);
    expect([undefined, '', 'unknown', 'x'].map((v) => f.clean(v))).toEqual([null, null, null, null]);
  });
});

describe('dates and times', () => {
  it('DateField reads Django\'s input formats into YYYY-MM-DD', () => {
    const f = new DateField();
    for (const input of ['2006-10-25', '10/25/2006', '10/25/06', 'Oct 25 2006', 'Oct 25, 2006', '25 Oct 2006', '25 Oct, 2006', 'October 25 2006', 'October 25, 2006', '25 October 2006', '25 October, 2006', ' 2006-10-25 ']) {
      expect(f.clean(input)).toBe('2006-10-25');
    }
    expect(f.clean('1/2/69')).toBe('1969-01-02');
    expect(f.clean('1/2/68')).toBe('2068-01-02');
    expect(errors(f, '2006-02-30')).toEqual(['Enter a valid date.']);
    expect(errors(f, '2006-13-01')).toEqual(['Enter a valid date.']);
    expect(errors(f, 'tomorrow')).toEqual(['Enter a valid date.']);
    expect(new DateField({ inputFormats: ['%d.%m.%Y'] }).clean('25.10.2006')).toBe('2006-10-25');
    expect(errors(new DateField({ inputFormats: ['%d.%m.%Y'] }), '2006-10-25')).toEqual(['Enter a valid date.']);
  });

  it('TimeField cleans to HH:MM:SS[.ffffff]', () => {
    const f = new TimeField();
    expect(f.clean('14:30')).toBe('14:30:00');
    expect(f.clean('14:30:59')).toBe('14:30:59');
    expect(f.clean('14:30:59.5')).toBe('14:30:59.500000');
    expect(errors(f, '25:00')).toEqual(['Enter a valid time.']);
  });

  it('DateTimeField reads formats, dates alone and ISO 8601, in the field\'s time zone', () => {
    const utc = new DateTimeField();
    expect((utc.clean('2006-10-25 14:30:59') as Date).toISOString()).toBe('2006-10-25T14:30:59.000Z');
    expect((utc.clean('2006-10-25 14:30:59.000200') as Date).toISOString()).toBe('2006-10-25T14:30:59.000Z');
    expect((utc.clean('10/25/2006 14:30') as Date).toISOString()).toBe('2006-10-25T14:30:00.000Z');
    expect((utc.clean('2006-10-25') as Date).toISOString()).toBe('2006-10-25T00:00:00.000Z');
    expect((utc.clean('2006-10-25T14:30:59+02:00') as Date).toISOString()).toBe('2006-10-25T12:30:59.000Z');
    expect((utc.clean('2006-10-25T14:30Z') as Date).toISOString()).toBe('2006-10-25T14:30:00.000Z');
    const paris = new DateTimeField({ timeZone: 'Europe/Paris' });
    expect((paris.clean('2024-07-01 12:00') as Date).toISOString()).toBe('2024-07-01T10:00:00.000Z');
    expect((paris.clean('2024-01-01 12:00') as Date).toISOString()).toBe('2024-01-01T11:00:00.000Z');
    expect((paris.clean('2024-07-01T12:00:00Z') as Date).toISOString()).toBe('2024-07-01T12:00:00.000Z');
    expect(errors(utc, '2006-10-25 25:00')).toEqual(['Enter a valid date/time.']);
    expect(() => new DateTimeField({ timeZone: 'Mars/Olympus' })).toThrow(/Unknown time zone "Mars\/Olympus"/);
  });

  it('DurationField reads Django\'s three syntaxes into milliseconds and shows them back', () => {
    const f = new DurationField();
    expect(f.clean('30')).toBe(30_000);
    expect(f.clean('15:30')).toBe(930_000);
    expect(f.clean('1:15:30')).toBe(4_530_000);
    expect(f.clean('1 1:15:30.3')).toBe(86_400_000 + 4_530_300);
    expect(f.clean('4 days, 0:00:00')).toBe(4 * 86_400_000);
    expect(f.clean('P4DT1H15M20S')).toBe(4 * 86_400_000 + 4_520_000);
    expect(f.clean('-P1D')).toBe(-86_400_000);
    expect(f.clean('3 days 04:05:06')).toBe(3 * 86_400_000 + 14_706_000);
    expect(errors(f, 'abc')).toEqual(['Enter a valid duration.']);
    expect(errors(f, '1000000000 00:00:00')).toEqual(['The number of days must be between -999999999 and 999999999.']);
    expect(f.prepareValue(86_400_000 + 4_530_300)).toBe('1 01:15:30.300000');
    expect(f.prepareValue(-1000)).toBe('-1 23:59:59');
  });
});

describe('choices', () => {
  const choices = [['a', 'A'], ['Group', [['b', 'B'], ['c', 'C']]], [1, 'One']] as const;

  it('ChoiceField accepts values in groups, compares as text', () => {
    const f = new ChoiceField({ choices });
    expect(f.clean('b')).toBe('b');
    expect(f.clean(1)).toBe('1');
    expect(errors(f, 'z')).toEqual(['Select a valid choice. z is not one of the available choices.']);
    expect(errors(f, '')).toEqual(['This field is required.']);
    expect(new ChoiceField({ choices, required: false }).clean('')).toBe('');
  });

  it('follows choices given as a function, an object or a Map, and changed later', () => {
    let live = [['x', 'X']] as [string, string][];
    const f = new ChoiceField({ choices: () => live });
    expect(f.clean('x')).toBe('x');
    live = [['y', 'Y']];
    expect(errors(f, 'x')).toHaveLength(1);
    expect(new ChoiceField({ choices: { k: 'K' } }).clean('k')).toBe('k');
    expect(new ChoiceField({ choices: new Map([['m', 'M']]) }).clean('m')).toBe('m');
    const g = new ChoiceField({ choices: [['p', 'P']] });
    g.choices = [['q', 'Q']];
    expect(g.clean('q')).toBe('q');
    expect(errors(g, 'p')).toHaveLength(1);
  });

  it('TypedChoiceField coerces and uses its empty value', () => {
    const f = new TypedChoiceField({ choices: [[1, 'One'], [2, 'Two']], coerce: Number });
    expect(f.clean('2')).toBe(2);
    expect(errors(f, '3')).toEqual(['Select a valid choice. 3 is not one of the available choices.']);
    expect(new TypedChoiceField({ choices: [[1, 'One']], coerce: Number, required: false, emptyValue: null }).clean('')).toBeNull();
    const failing = new TypedChoiceField({ choices: [['x', 'X']], coerce: (v: string) => { throw new TypeError(v); } });
    expect(errors(failing, 'x')).toEqual(['Select a valid choice. x is not one of the available choices.']);
  });

  it('MultipleChoiceField checks every value', () => {
    const f = new MultipleChoiceField({ choices });
    expect(f.clean(['a', 'c'])).toEqual(['a', 'c']);
    expect(errors(f, ['a', 'z'])).toEqual(['Select a valid choice. z is not one of the available choices.']);
    expect(errors(f, [])).toEqual(['This field is required.']);
    expect(errors(f, 'a')).toEqual(['Enter a list of values.']);
    expect(new MultipleChoiceField({ choices, required: false }).clean(undefined)).toEqual([]);
    expect(f.hasChanged(['a', 'b'], ['b', 'a'])).toBe(false);
    expect(f.hasChanged(['a'], ['b'])).toBe(true);
    expect(new TypedMultipleChoiceField({ choices: [[1, 'One'], [2, 'Two']], coerce: Number }).clean(['1', '2'])).toEqual([1, 2]);
  });
});

describe('JSONField', () => {
  it('parses text, keeps an already-parsed value, and shows invalid input back as typed', () => {
    const f = new JSONField();
    expect(f.clean('{"a": [1, 2]}')).toEqual({ a: [1, 2] });
    expect(f.clean({ a: 1 })).toEqual({ a: 1 });
    expect(errors(f, '{bad')).toEqual(['Enter a valid JSON.']);
    expect(f.prepareValue(f.boundData('{bad', null))).toBe('{bad');
    expect(f.prepareValue({ a: 'é' })).toBe('{"a":"é"}');
    expect(f.hasChanged({ a: 1, b: 2 }, '{"b": 2, "a": 1}')).toBe(false);
    expect(new JSONField({ required: false }).clean('')).toBeNull();
  });
});

describe('fields factories', () => {
  it('build the same classes', () => {
    expect(fields.CharField({ maxLength: 3 })).toBeInstanceOf(CharField);
    expect(fields.IntegerField({ required: false }).required).toBe(false);
    expect(fields.EmailField().widget.inputType).toBe('email');
  });
});

describe('hostile input', () => {
  it.each([
    ['FloatField', new FloatField(), `${'1'.repeat(100_000)}e`],
    ['IntegerField', new IntegerField(), `${'1'.repeat(100_000)}.0${' '.repeat(100_000)}x`],
    ['DecimalField', new DecimalField(), `${'1'.repeat(100_000)}e`],
    ['DurationField', new DurationField(), `${'1:'.repeat(100_000)}x`],
    ['DateTimeField', new DateTimeField(), `2020-01-01 ${'1'.repeat(100_000)}`],
    ['DateField', new DateField(), '1'.repeat(100_000)],
    ['TimeField', new TimeField(), '1'.repeat(100_000)],
    ['UUIDField', new UUIDField(), '{'.repeat(100_000)],
    ['GenericIPAddressField', new GenericIPAddressField(), ':'.repeat(100_000)],
    ['URLField', new URLField(), `http://${'a'.repeat(100_000)}!`],
    ['EmailField', new EmailField(), `${'a'.repeat(50_000)}@${'a.'.repeat(50_000)}`],
    ['SlugField', new SlugField(), `${'a'.repeat(100_000)}!`],
  ])('%s refuses a long bad value in linear time', (_name, field, value) => {
    const started = performance.now();
    expect(() => field.clean(value)).toThrow(ValidationError);
    expect(performance.now() - started).toBeLessThan(500);
  });
});
