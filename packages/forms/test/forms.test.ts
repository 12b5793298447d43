import { MultiValueDict, QueryDict, type UploadedFile, ValidationError } from '@manouche/core';
import { expectTypeOf } from 'expect-type';
import { type CleanedData, configureForms, defineForm, fields, FormError, HiddenInput, type JsonValue, NON_FIELD_ERRORS, type StoredFileRef, type UploadedImage } from '../src/index';

const ArticleForm = defineForm({
  title: fields.CharField({ maxLength: 20 }),
  body: fields.CharField({ required: false }),
  published: fields.BooleanField({ required: false }),
  rating: fields.IntegerField({ required: false, minValue: 1, maxValue: 5 }),
  status: fields.ChoiceField({ choices: [['draft', 'Draft'], ['live', 'Live']] }),
  tags: fields.MultipleChoiceField({ choices: [['js', 'JS'], ['py', 'Python']], required: false }),
  publishOn: fields.DateField({ required: false }),
}, {
  cleanTitle(value) {
    if (value.toLowerCase() === 'untitled') throw new ValidationError('Give it a real title.', 'untitled');
    return value.charAt(0).toUpperCase() + value.slice(1);
  },
  clean(data) {
    if (data.status === 'live' && !data.body) this.addError('body', 'A live article needs a body.');
  },
});

describe('typed cleanedData', () => {
  it('is inferred from the declaration, optional fields nullable like Django', () => {
    const form = new ArticleForm({ data: { title: 'hello', status: 'draft' } });
    expect(form.isValid()).toBe(true);
    const data = form.cleanedData;
    expectTypeOf(data).toEqualTypeOf<{
      title: string;
      body: string;
      published: boolean;
      rating: number | null;
      status: 'draft' | 'live';
      tags: ('js' | 'py')[];
      publishOn: string | null;
    }>();
    expect(data).toEqual({ title: 'Hello', body: '', published: false, rating: null, status: 'draft', tags: [], publishOn: null });
  });

  it('types every factory', () => {
    const Every = defineForm({
      a: fields.CharField({ required: false, emptyValue: null }),
      b: fields.DecimalField(),
      c: fields.FloatField({ required: false }),
      d: fields.DateTimeField(),
      e: fields.TimeField({ required: false }),
      f: fields.DurationField(),
      g: fields.NullBooleanField(),
      h: fields.UUIDField({ required: false }),
      i: fields.JSONField<{ n: number }>(),
      j: fields.TypedChoiceField({ choices: [[1, 'One']], coerce: Number }),
      k: fields.TypedChoiceField({ choices: [[1, 'One']], coerce: Number, required: false, emptyValue: null }),
      l: fields.ChoiceField({ choices: [['', '---'], ['x', 'X']], required: false }),
      m: fields.EmailField(),
      n: fields.ChoiceField({ choices: { a: 'A', b: 'B' } }),
      o: fields.ChoiceField({ choices: () => [['z', 'Z']] }),
      p: fields.ChoiceField({ choices: [['G', [['g1', 'G1'], ['g2', 'G2']]]] }),
      q: fields.JSONField(),
      r: fields.FileField({ required: false }),
      s: fields.ImageField<StoredFileRef>(),
    });
    expectTypeOf<CleanedData<typeof Every.baseFields>>().toEqualTypeOf<{
      a: string | null; b: string; c: number | null; d: Date; e: string | null; f: number; g: boolean | null; h: string | null;
      i: { n: number }; j: number; k: number | null; l: '' | 'x'; m: string; n: 'a' | 'b'; o: string; p: 'g1' | 'g2';
      q: JsonValue; r: UploadedFile | null | false; s: UploadedImage | StoredFileRef;
    }>();
  });

  it('types the hooks: value and data from the declaration, wrong returns rejected', () => {
    defineForm({ n: fields.IntegerField() }, {
      cleanN(value, data) {
        expectTypeOf(value).toEqualTypeOf<number>();
        expectTypeOf(data.n).toEqualTypeOf<number | undefined>();
        return value;
      },
    });
    // @ts-expect-error a clean hook must return the field's type
    defineForm({ n: fields.IntegerField() }, { cleanN: () => 'text' });
    expect(() => defineForm({ n: fields.IntegerField() }, { cleanM: () => 1 } as never)).toThrow(/cleanM\(\) names no field/);
    expect(() => defineForm({ n: fields.IntegerField() }, { prefx: 'x' } as never)).toThrow(/Unknown form setting "prefx"/);
  });
});

describe('validation', () => {
  it('collects field errors, hook errors and form errors', () => {
    const form = new ArticleForm({ data: { title: 'untitled', status: 'live', rating: '9', tags: ['js', 'rb'] } });
    expect(form.isValid()).toBe(false);
    expect(form.errors.toJSON()).toEqual({
      title: ['Give it a real title.'],
      rating: ['Ensure this value is less than or equal to 5.'],
      tags: ['Select a valid choice. rb is not one of the available choices.'],
      body: ['A live article needs a body.'],
    });
    expect(form.hasError('title', 'untitled')).toBe(true);
    expect(form.hasError('title', 'required')).toBe(false);
    expect(form.errors.get('rating')!.getJsonData()).toEqual([{ message: 'Ensure this value is less than or equal to 5.', code: 'max_value' }]);
    expect(form.errors.get('title')!.asText()).toBe('* Give it a real title.');
    expect('body' in form.cleanedData).toBe(false);
    expect(form.cleanedData.status).toBe('live');
  });

  it('non-field errors from clean() go under __all__', () => {
    const Signup = defineForm({ password: fields.CharField(), confirm: fields.CharField() }, {
      clean(data) {
        if (data.password !== data.confirm) throw new ValidationError('The passwords differ.', 'mismatch');
      },
    });
    const form = new Signup({ data: { password: 'a', confirm: 'b' } });
    expect(form.isValid()).toBe(false);
    expect(form.nonFieldErrors().messages).toEqual(['The passwords differ.']);
    expect(form.errors.has(NON_FIELD_ERRORS)).toBe(true);
    expect(form.nonFieldErrors().asUl().value).toBe('<ul class="errorlist nonfield"><li>The passwords differ.</li></ul>');
  });

  it('clean() may return replacement data; addError with a dict targets several fields', () => {
    const F = defineForm({ a: fields.CharField(), b: fields.CharField() }, {
      clean(data) {
        return { ...data, a: `${data.a}!` };
      },
    });
    const form = new F({ data: { a: 'x', b: 'y' } });
    expect(form.isValid()).toBe(true);
    expect(form.cleanedData.a).toBe('x!');
    form.addError(null, new ValidationError({ a: 'bad a', b: ['bad b'] }));
    expect(form.errors.toJSON()).toEqual({ a: ['bad a'], b: ['bad b'] });
    expect(() => form.addError('a', new ValidationError({ a: 'x' }))).toThrow(/must be null/);
    expect(() => form.addError('nope' as 'a', 'x')).toThrow(/has no field named "nope"/);
  });

  it('binds a QueryDict, URLSearchParams and MultiValueDict alike', () => {
    const query = QueryDict.parse('title=hi&status=draft&tags=js&tags=py');
    for (const data of [query, new URLSearchParams('title=hi&status=draft&tags=js&tags=py'), new MultiValueDict(query)]) {
      const form = new ArticleForm({ data });
      expect(form.isValid()).toBe(true);
      expect(form.cleanedData.tags).toEqual(['js', 'py']);
    }
  });

  it('never reads prototype properties of a plain object', () => {
    const F = defineForm({ constructor: fields.CharField(), toString: fields.CharField({ required: false }) });
    const form = new F({ data: {} });
    expect(form.isValid()).toBe(false);
    expect(form.errors.toJSON()).toEqual({ constructor: ['This field is required.'] });
  });

  it('an unbound form is not valid, has no errors and no cleanedData', () => {
    const form = new ArticleForm();
    expect(form.isBound).toBe(false);
    expect(form.isValid()).toBe(false);
    expect(form.errors.size).toBe(0);
    expect(() => form.cleanedData).toThrow(FormError);
  });

  it('validates once', () => {
    let calls = 0;
    const F = defineForm({ a: fields.CharField() }, { cleanA(v) { calls++; return v; } });
    const form = new F({ data: { a: 'x' } });
    form.isValid();
    void form.errors;
    form.isValid();
    expect(calls).toBe(1);
  });

  it('a bug in a validator still reports where it happened', () => {
    function brokenValidator(value: string): void {
      (value as unknown as { nope(): void }).nope();
    }
    const F = defineForm({ a: fields.CharField({ validators: [brokenValidator] }) });
    let caught: unknown;
    try {
      new F({ data: { a: 'x' } }).isValid();
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(TypeError);
    expect((caught as Error).stack).toContain('brokenValidator');
    // validation errors are data: they carry no stack frames
    const form = new F({ data: {} });
    expect(form.isValid()).toBe(false);
    expect(form.errors.get('a')!.data[0]!.stack).not.toContain('    at ');
  });

  it('ignores the submitted value of a disabled field', () => {
    const F = defineForm({ owner: fields.CharField({ disabled: true }), note: fields.CharField() });
    const form = new F({ data: { owner: 'mallory', note: 'x' }, initial: { owner: 'alice' } });
    expect(form.isValid()).toBe(true);
    expect(form.cleanedData.owner).toBe('alice');
    expect(form.field('owner').value()).toBe('alice');
    expect(form.hasChanged()).toBe(true);
    expect(form.changedData).toEqual(['note']);
  });
});

describe('asynchronous validation', () => {
  const Username = defineForm({ username: fields.CharField() }, {
    async cleanUsername(value) {
      await new Promise((r) => setTimeout(r, 1));
      if (value === 'taken') throw new ValidationError('This username is taken.', 'taken');
      return value;
    },
  });

  it('validate() awaits async hooks', async () => {
    const bad = new Username({ data: { username: 'taken' } });
    expect(await bad.validate()).toBe(false);
    expect(bad.errors.toJSON()).toEqual({ username: ['This username is taken.'] });
    expect(bad.isValid()).toBe(false);
    const good = new Username({ data: { username: 'ann' } });
    expect(await good.validate()).toBe(true);
    expect(good.cleanedData).toEqual({ username: 'ann' });
  });

  it('isValid() refuses to guess: it names the async step and points at validate()', () => {
    const form = new Username({ data: { username: 'ann' } });
    expect(() => form.isValid()).toThrow(/cleanUsername\(\) returned a promise\): use `await form.validate\(\)`/);
    expect(() => form.errors).toThrow(FormError);
  });

  it('an async clean() error lands in non-field errors', async () => {
    const F = defineForm({ a: fields.CharField() }, { async clean() { throw new ValidationError('Nope.'); } });
    const form = new F({ data: { a: 'x' } });
    expect(await form.validate()).toBe(false);
    expect(form.nonFieldErrors().messages).toEqual(['Nope.']);
  });
});

describe('initial, prefix, changes', () => {
  it('reads prefixed names and reports changes against initial values', () => {
    const F = defineForm({ name: fields.CharField(), age: fields.IntegerField({ initial: 30 }) });
    const form = new F({ prefix: 'p', data: { 'p-name': 'Ann', 'p-age': '30' }, initial: { name: 'Ann' } });
    expect(form.isValid()).toBe(true);
    expect(form.hasChanged()).toBe(false);
    const changed = new F({ prefix: 'p', data: { 'p-name': 'Bob', 'p-age': '31' }, initial: { name: 'Ann' } });
    expect(changed.changedData).toEqual(['name', 'age']);
    expect(changed.field('name').htmlName).toBe('p-name');
    expect(changed.field('name').autoId).toBe('id_p-name');
  });

  it('calls function initials and prefers the form\'s initial over the field\'s', () => {
    const F = defineForm({ when: fields.CharField({ initial: () => 'field' }), other: fields.CharField({ initial: 'x' }) });
    const form = new F({ initial: { other: () => 'form' } });
    expect(form.field('when').value()).toBe('field');
    expect(form.field('other').value()).toBe('form');
  });

  it('emptyPermitted skips validation of an untouched form', () => {
    const F = defineForm({ a: fields.CharField() });
    const form = new F({ data: {}, emptyPermitted: true, useRequiredAttribute: false });
    expect(form.isValid()).toBe(true);
    expect(() => new F({ emptyPermitted: true })).toThrow(/cannot both be true/);
  });

  it('gives each instance its own fields to change', () => {
    const F = defineForm({ color: fields.ChoiceField({ choices: [['r', 'Red']] }) });
    const a = new F({ data: { color: 'g' } });
    (a.fields.color as unknown as { choices: unknown }).choices = [['g', 'Green']];
    expect(a.isValid()).toBe(true);
    expect(new F({ data: { color: 'g' } }).isValid()).toBe(false);
    a.fields.color.widget = new HiddenInput();
    expect(a.field('color').isHidden).toBe(true);
    expect(new F().field('color').isHidden).toBe(false);
  });

  it('fieldOrder reorders', () => {
    const F = defineForm({ a: fields.CharField(), b: fields.CharField(), c: fields.CharField() }, { fieldOrder: ['c', 'a'] });
    expect(new F().fieldNames).toEqual(['c', 'a', 'b']);
    expect(() => new F().field('zz')).toThrow(/Key "zz" not found .* Choices are: c, a, b/);
  });
});

describe('messages', () => {
  afterEach(() => configureForms({ translator: (m) => m }));

  it('errorMessages override defaults per field, with interpolation', () => {
    const F = defineForm({ n: fields.IntegerField({ maxValue: 3, errorMessages: { max_value: 'No more than %(limit_value)s, please.', invalid: 'Digits only.' } }) });
    expect(new F({ data: { n: '4' } }).errors.toJSON()).toEqual({ n: ['No more than 3, please.'] });
    expect(new F({ data: { n: 'x' } }).errors.toJSON()).toEqual({ n: ['Digits only.'] });
  });

  it('a translator translates messages (before interpolation) and labels\' suffix, globally or per form', () => {
    const fr: Record<string, string> = {
      'This field is required.': 'Ce champ est obligatoire.',
      'Ensure this value is less than or equal to %(limit_value)s.': 'Assurez-vous que cette valeur est inférieure ou égale à %(limit_value)s.',
      ':': ' :',
    };
    const translate = (m: string): string => fr[m] ?? m;
    const F = defineForm({ name: fields.CharField(), n: fields.IntegerField({ maxValue: 3 }) });
    const form = new F({ data: { n: '4' }, translator: translate });
    expect(form.errors.toJSON()).toEqual({ name: ['Ce champ est obligatoire.'], n: ['Assurez-vous que cette valeur est inférieure ou égale à 3.'] });
    expect(form.field('name').labelTag().value).toBe('<label for="id_name">Name :</label>');
    configureForms({ translator: translate });
    expect(new F({ data: {} }).errors.get('name')!.messages).toEqual(['Ce champ est obligatoire.']);
  });
});

describe('fromRequest', () => {
  it('binds POST bodies and leaves GET unbound', async () => {
    const request = (method: string) => ({ method, form: async () => QueryDict.parse('title=x&status=draft'), files: async () => new MultiValueDict<UploadedFile>() });
    const posted = await ArticleForm.fromRequest(request('POST'));
    expect(posted.isBound).toBe(true);
    expect(posted.isValid()).toBe(true);
    expect((await ArticleForm.fromRequest(request('GET'))).isBound).toBe(false);
  });
});
