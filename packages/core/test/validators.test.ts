import {
  DecimalValidator,
  EmailValidator,
  FileExtensionValidator,
  MaxLengthValidator,
  MaxValueValidator,
  MinLengthValidator,
  MinValueValidator,
  ProhibitNullCharactersValidator,
  RegexValidator,
  StepValueValidator,
  URLValidator,
  ValidationError,
  validateIpv46Address,
  validateIpv4Address,
  validateIpv6Address,
  validateSlug,
  validateUnicodeSlug,
} from '../src/index';

const passes = (fn: () => void): boolean => {
  try {
    fn();
    return true;
  } catch (error) {
    if (error instanceof ValidationError) return false;
    throw error;
  }
};

// Accept and reject lists taken from Django's own test suite (tests/validators/tests.py).
describe('EmailValidator (as Django)', () => {
  const email = new EmailValidator();
  it.each([
    'email@here.com',
    'weirder-email@here.and.there.com',
    'email@[127.0.0.1]',
    'email@[2001:dB8::1]',
    'email@[2001:dB8:0:0:0:0:0:1]',
    'email@[::fffF:127.0.0.1]',
    'example@valid-----hyphens.com',
    'example@valid-with-hyphens.com',
    'test@domain.with.idn.tld.उदाहरण.परीक्षा',
    'email@localhost',
    '"test@test"@example.com',
    `example@atm.${'a'.repeat(63)}`,
    `example@${'a'.repeat(63)}.atm`,
  ])('accepts %s', (value) => {
    expect(passes(() => email.validate(value))).toBe(true);
  });

  it.each([
    '',
    'abc',
    'abc@',
    'abc@bar',
    'a @x.cz',
    'abc@.com',
    'something@@somewhere.com',
    'email@127.0.0.1',
    'email@[127.0.0.256]',
    'email@[2001:db8::12345]',
    'email@[2001:db8:0:0:0:0:1]',
    'email@[::ffff:127.0.0.256]',
    'example@invalid-.com',
    'example@-invalid.com',
    'example@invalid.com-',
    'example@inv-.alid-.com',
    'example@inv-.-alid.com',
    'test@example.com\n\n<script src="x.js">',
    'trailingdot@shouldfail.com.',
    `example@atm.${'a'.repeat(64)}`,
    '"test@test"\n@example.com',
  ])('rejects %j with code "invalid"', (value) => {
    expect(() => email.validate(value)).toThrow(ValidationError);
    try {
      email.validate(value);
    } catch (error) {
      expect((error as ValidationError).code).toBe('invalid');
      expect((error as ValidationError).message).toBe('Enter a valid email address.');
    }
  });
});

describe('URLValidator (as Django)', () => {
  const url = new URLValidator();
  it.each([
    'http://www.djangoproject.com/',
    'HTTP://WWW.DJANGOPROJECT.COM/',
    'http://localhost/',
    'http://example.com/',
    'http://www.example.com:8000/test',
    'http://valid-with-hyphens.com/',
    'http://subdomain.example.com/',
    'http://a.aa',
    'http://200.8.9.10/',
    'http://200.8.9.10:8000/test',
    'http://su--b.valid-----hyphens.com/',
    'http://example.com?something=value',
    'http://example.com/index.php?something=value&another=value2',
    'https://example.com/',
    'ftp://example.com/',
    'ftps://example.com/',
    'http://foo.com/blah_blah_(wikipedia)',
    'http://userid:password@example.com:8080',
    'http://142.42.1.1/',
    'http://[2001:db8::1]/',
    'http://xn--7sbb4ac0ad0be6cf.xn--p1ai',
    'http://उदाहरण.परीक्षा',
    'http://1337.net',
    'http://a.b-c.de',
    'http://www.foo.bar./',
  ])('accepts %s', (value) => {
    expect(passes(() => url.validate(value))).toBe(true);
  });

  it.each([
    'foo',
    'http://',
    'http://example',
    'http://example.',
    'http://.com',
    'http://invalid-.com',
    'http://-invalid.com',
    'http://invalid.com-',
    'http://invalid.-com',
    'http://inv-.alid-.com',
    'file://localhost/path',
    'git://example.com/',
    'http://.',
    'http://..',
    'http://?',
    'http://#',
    'http://foo.bar?q=Spaces should be encoded',
    '//',
    '//a',
    'http:///a',
    'foo.com',
    'rdar://1234',
    'h://test',
    'http:// shouldfail.com',
    ':// should fail',
    'http://foo.bar/foo(bar)baz quux',
    'http://.www.foo.bar/',
    'http://[::1:2::3]:8080/',
    'http://[]',
    'http://example..com/',
    `http://${'a'.repeat(64)}.com`,
    'http://example.com\n',
    'javascript:alert(1)',
  ])('rejects %j', (value) => {
    expect(passes(() => url.validate(value))).toBe(false);
  });

  it('can restrict schemes', () => {
    const httpsOnly = new URLValidator({ schemes: ['https'] });
    expect(passes(() => httpsOnly.validate('https://example.com/'))).toBe(true);
    expect(passes(() => httpsOnly.validate('http://example.com/'))).toBe(false);
  });
});

describe('length, value and decimal validators', () => {
  it("uses Django's messages with interpolation", () => {
    expect(() => new MaxLengthValidator(3).validate('abcd')).toThrow('Ensure this value has at most 3 characters (it has 4).');
    expect(() => new MinLengthValidator(2).validate('a')).toThrow('Ensure this value has at least 2 characters (it has 1).');
    expect(() => new MaxValueValidator(10).validate(11)).toThrow('Ensure this value is less than or equal to 10.');
    expect(() => new MinValueValidator(1).validate(0)).toThrow('Ensure this value is greater than or equal to 1.');
    expect(passes(() => new StepValueValidator(5).validate(15))).toBe(true);
    expect(passes(() => new StepValueValidator(5).validate(16))).toBe(false);
  });

  it('checks decimal digits like Django', () => {
    const v = new DecimalValidator(5, 2);
    expect(passes(() => v.validate('123.45'))).toBe(true);
    expect(() => v.validate('1234.5')).toThrow('Ensure that there are no more than 3 digits before the decimal point.');
    expect(() => v.validate('1.234')).toThrow('Ensure that there are no more than 2 decimal places.');
    expect(() => v.validate('123456')).toThrow('Ensure that there are no more than 5 digits in total.');
  });

  it('carries the code and params for forms to re-render', () => {
    try {
      new MaxLengthValidator(3).validate('abcd');
    } catch (error) {
      expect(error).toMatchObject({ code: 'max_length', params: { limit_value: 3, show_value: 4 } });
    }
  });
});

describe('other validators', () => {
  it('slugs', () => {
    expect(passes(() => validateSlug('hello-world_2'))).toBe(true);
    expect(passes(() => validateSlug('héllo'))).toBe(false);
    expect(passes(() => validateUnicodeSlug('héllo'))).toBe(true);
    expect(passes(() => validateSlug('a b'))).toBe(false);
  });

  it('IP addresses', () => {
    expect(passes(() => validateIpv4Address('1.2.3.4'))).toBe(true);
    expect(passes(() => validateIpv4Address('1.2.3.256'))).toBe(false);
    expect(passes(() => validateIpv6Address('::1'))).toBe(true);
    expect(passes(() => validateIpv6Address('1.2.3.4'))).toBe(false);
    expect(passes(() => validateIpv46Address('fe80::1'))).toBe(true);
    expect(passes(() => validateIpv46Address('nope'))).toBe(false);
  });

  it('regex, file extensions, null characters', () => {
    expect(passes(() => new RegexValidator({ regex: /^[a-z]+$/ }).validate('abc'))).toBe(true);
    expect(passes(() => new RegexValidator({ regex: /x/, inverseMatch: true }).validate('x'))).toBe(false);
    expect(passes(() => new FileExtensionValidator(['png', 'jpg']).validate({ name: 'photo.JPG' }))).toBe(true);
    expect(() => new FileExtensionValidator(['png']).validate({ name: 'x.exe' })).toThrow(/File extension “exe” is not allowed\. Allowed extensions are: png\./);
    expect(passes(() => new ProhibitNullCharactersValidator().validate('a\u0000b'))).toBe(false);
  });

  it('ValidationError collects lists and per-field dictionaries', () => {
    const error = new ValidationError({ title: ['Too short.', 'Bad word.'], __all__: 'Mismatch.' });
    expect(error.errorDict?.title?.map((e) => e.message)).toEqual(['Too short.', 'Bad word.']);
    expect(error.errorList).toHaveLength(3);
    expect(error.message).toBe('title: Too short. Bad word.; __all__: Mismatch.');
    expect(error.messageDict).toEqual({ title: ['Too short.', 'Bad word.'], __all__: ['Mismatch.'] });
  });

  it('ValidationError formats its message with params, in message, messages, String() and the stack', () => {
    const error = new ValidationError('Ensure this value has at least %(limit_value)d characters (it has %(show_value)d).', 'min_length', { limit_value: 3, show_value: 1 });
    const text = 'Ensure this value has at least 3 characters (it has 1).';
    expect(error.message).toBe(text);
    expect(error.messages).toEqual([text]);
    expect(String(error)).toBe(`ValidationError: ${text}`);
    expect(error.stack?.split('\n')[0]).toBe(`ValidationError: ${text}`);
    expect(new ValidationError([error, 'Second.']).message).toBe(`${text} Second.`);
  });
});
