import { ValidationError } from '@manouche/core';
import { expectTypeOf } from 'expect-type';
import { defineForm, fields, formsetFactory, FormError } from '../src/index';

const ItemForm = defineForm({
  name: fields.CharField({ maxLength: 20 }),
  quantity: fields.IntegerField({ minValue: 1 }),
});

/** Management form fields for `total` forms, `initial` of them existing. */
const management = (total: number, initial = 0, prefix = 'form'): Record<string, string> => ({
  [`${prefix}-TOTAL_FORMS`]: String(total),
  [`${prefix}-INITIAL_FORMS`]: String(initial),
  [`${prefix}-MIN_NUM_FORMS`]: '0',
  [`${prefix}-MAX_NUM_FORMS`]: '1000',
});

describe('formsetFactory', () => {
  it('renders initial forms, extra forms and the management form', () => {
    const ItemFormSet = formsetFactory(ItemForm, { extra: 2 });
    const formset = new ItemFormSet({ initial: [{ name: 'Pen', quantity: 3 }] });
    expect(formset.forms).toHaveLength(3);
    expect(formset.totalFormCount()).toBe(3);
    const html = formset.asDiv().value;
    expect(html).toContain('<input type="hidden" name="form-TOTAL_FORMS" value="3" id="id_form-TOTAL_FORMS">');
    expect(html).toContain('<input type="hidden" name="form-INITIAL_FORMS" value="1" id="id_form-INITIAL_FORMS">');
    expect(html).toContain('<input type="text" name="form-0-name" value="Pen" maxlength="20" id="id_form-0-name">');
    expect(html).toContain('name="form-2-quantity"');
    // extra forms may be left empty, so the browser must not demand them
    expect(html).not.toContain('required');
    expect(formset.emptyForm.asDiv().value).toContain('name="form-__prefix__-name"');
  });

  it('validates the submitted forms and types cleanedData', () => {
    const ItemFormSet = formsetFactory(ItemForm, { extra: 1 });
    const formset = new ItemFormSet({ data: { ...management(3), 'form-0-name': 'Pen', 'form-0-quantity': '2', 'form-1-name': 'Ink', 'form-1-quantity': '0' } });
    expect(formset.isValid()).toBe(false);
    expect(formset.errors.map((e) => e.toJSON())).toEqual([{}, { quantity: ['Ensure this value is greater than or equal to 1.'] }, {}]);
    expect(formset.totalErrorCount()).toBe(1);
    const ok = new ItemFormSet({ data: { ...management(2), 'form-0-name': 'Pen', 'form-0-quantity': '2' } });
    expect(ok.isValid()).toBe(true);
    expectTypeOf(ok.cleanedData[0]!.quantity).toEqualTypeOf<number>();
    // the untouched extra form is empty and allowed to be
    expect(ok.cleanedData).toEqual([{ name: 'Pen', quantity: 2 }, {}]);
  });

  it('reports a missing or tampered management form as a non-form error, without throwing', () => {
    const ItemFormSet = formsetFactory(ItemForm);
    const missing = new ItemFormSet({ data: { 'form-0-name': 'Pen' } });
    expect(missing.isValid()).toBe(false);
    expect(missing.nonFormErrors().messages).toEqual(['ManagementForm data is missing or has been tampered with. Missing fields: form-TOTAL_FORMS, form-INITIAL_FORMS. You may need to file a bug report if the issue persists.']);
    expect(missing.forms).toHaveLength(0);
    const negative = new ItemFormSet({ data: { ...management(-5), 'form-INITIAL_FORMS': 'x' } });
    expect(negative.isValid()).toBe(false);
    expect(negative.nonFormErrors().data[0]!.code).toBe('missing_management_form');
    expect(negative.asDiv().value).toContain('<ul class="errorlist nonform"><li>ManagementForm data is missing or has been tampered with.');
  });

  it('refuses more forms than absoluteMax claims, building no more than the limit', () => {
    const ItemFormSet = formsetFactory(ItemForm, { maxNum: 3, absoluteMax: 5 });
    const data: Record<string, string> = { ...management(100000) };
    for (let i = 0; i < 10; i++) Object.assign(data, { [`form-${i}-name`]: `n${i}`, [`form-${i}-quantity`]: '1' });
    const formset = new ItemFormSet({ data });
    expect(formset.isValid()).toBe(false);
    expect(formset.forms).toHaveLength(5);
    expect(formset.nonFormErrors().getJsonData()).toEqual([{ message: 'Please submit at most 3 forms.', code: 'too_many_forms' }]);
  });

  it('enforces maxNum and minNum when asked', () => {
    const Max = formsetFactory(ItemForm, { maxNum: 1, validateMax: true });
    const two = { ...management(2), 'form-0-name': 'a', 'form-0-quantity': '1', 'form-1-name': 'b', 'form-1-quantity': '1' };
    expect(new Max({ data: two }).nonFormErrors().messages).toEqual(['Please submit at most 1 form.']);
    const Min = formsetFactory(ItemForm, { minNum: 2, validateMin: true, extra: 0 });
    const one = { ...management(2), 'form-0-name': 'a', 'form-0-quantity': '1' };
    const formset = new Min({ data: one });
    expect(formset.isValid()).toBe(false);
    // the second form is part of the minimum: it may not stay empty
    expect(formset.errors[1]!.toJSON()).toEqual({ name: ['This field is required.'], quantity: ['This field is required.'] });
    expect(new Min().forms).toHaveLength(2);
    expect(() => formsetFactory(ItemForm, { maxNum: 10, absoluteMax: 5 })).toThrow(/absoluteMax \(5\) must be at least maxNum \(10\)/);
  });

  it('deletes and orders forms', () => {
    const ItemFormSet = formsetFactory(ItemForm, { canDelete: true, canOrder: true, extra: 1 });
    const data = {
      ...management(4, 3),
      'form-0-name': 'a', 'form-0-quantity': '1', 'form-0-ORDER': '3',
      'form-1-name': 'b', 'form-1-quantity': '0', 'form-1-ORDER': '1', 'form-1-DELETE': 'on',
      'form-2-name': 'c', 'form-2-quantity': '1', 'form-2-ORDER': '',
    };
    const formset = new ItemFormSet({ data, initial: [{}, {}, {}] });
    // the deleted form is invalid but does not count
    expect(formset.isValid()).toBe(true);
    expect(formset.deletedForms.map((f) => f.cleanedData.name)).toEqual(['b']);
    expect(formset.orderedForms.map((f) => f.cleanedData.name)).toEqual(['a', 'c']);
    expect(formset.cleanedData[0]).toEqual({ name: 'a', quantity: 1, ORDER: 3, DELETE: false });
    const unbound = new ItemFormSet({ initial: [{ name: 'x', quantity: 1 }] }).asDiv().value;
    expect(unbound).toContain('<input type="number" name="form-0-ORDER" value="1" id="id_form-0-ORDER">');
    expect(unbound).toContain('<label for="id_form-0-DELETE">Delete:</label>');
  });

  it('runs the formset\'s clean() and lets it fail', () => {
    const Unique = formsetFactory(ItemForm, {
      extra: 0,
      clean() {
        const names = this.forms.map((f) => f.cleanedData.name);
        if (new Set(names).size !== names.length) throw new ValidationError('Names must be unique.', 'duplicate');
      },
    });
    const formset = new Unique({ data: { ...management(2), 'form-0-name': 'a', 'form-0-quantity': '1', 'form-1-name': 'a', 'form-1-quantity': '2' } });
    expect(formset.isValid()).toBe(false);
    expect(formset.nonFormErrors().messages).toEqual(['Names must be unique.']);
    expect(() => formset.cleanedData).toThrow(FormError);
  });

  it('validates asynchronous forms with validate()', async () => {
    const Async = defineForm({ code: fields.CharField() }, {
      async cleanCode(value) {
        await Promise.resolve();
        if (value === 'bad') throw new ValidationError('Bad code.');
        return value.toUpperCase();
      },
    });
    const AsyncSet = formsetFactory(Async, { extra: 0 });
    const formset = new AsyncSet({ data: { ...management(2), 'form-0-code': 'ok', 'form-1-code': 'bad' } });
    expect(await formset.validate()).toBe(false);
    expect(formset.errors[1]!.toJSON()).toEqual({ code: ['Bad code.'] });
    const good = new AsyncSet({ data: { ...management(1), 'form-0-code': 'ok' } });
    expect(await good.validate()).toBe(true);
    expect(good.cleanedData).toEqual([{ code: 'OK' }]);
  });

  it('uses its prefix everywhere', () => {
    const ItemFormSet = formsetFactory(ItemForm, { extra: 0 });
    const formset = new ItemFormSet({ prefix: 'items', data: { ...management(1, 0, 'items'), 'items-0-name': 'a', 'items-0-quantity': '1' } });
    expect(formset.isValid()).toBe(true);
    expect(formset.asTable().value).toContain('name="items-0-name"');
  });
});
