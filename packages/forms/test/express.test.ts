import type { AddressInfo } from 'node:net';
import { UploadedFile } from '@manouche/core';
import express from 'express';
import { defineForm, fields, formsetFactory, Textarea } from '../src/index';
import { png } from './support/images';

const ArticleForm = defineForm({
  title: fields.CharField({ maxLength: 50 }),
  body: fields.CharField({ widget: Textarea }),
  tags: fields.MultipleChoiceField({ choices: [['js', 'JavaScript'], ['ts', 'TypeScript']], required: false }),
  rating: fields.IntegerField({ required: false, maxValue: 5 }),
});
const CoverForm = defineForm({ caption: fields.CharField(), cover: fields.ImageField() });
const LineSet = formsetFactory(defineForm({ item: fields.CharField(), qty: fields.IntegerField({ minValue: 1 }) }), { extra: 0, maxNum: 3, absoluteMax: 5 });

async function serve(app: express.Express): Promise<{ url: string; close: () => Promise<void> }> {
  const server = app.listen(0);
  await new Promise((resolve) => server.once('listening', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('forms in a real Express app', () => {
  let server: Awaited<ReturnType<typeof serve>>;

  beforeAll(async () => {
    const app = express();
    app.use(express.urlencoded({ extended: false }), express.json());
    app.post('/articles', (req, res) => {
      const form = new ArticleForm({ data: req.body });
      if (!form.isValid()) return void res.status(400).json({ errors: form.errors.toJSON(), html: form.asP().value });
      res.status(201).json(form.cleanedData);
    });
    app.post('/cover', express.raw({ type: 'image/*', limit: '1mb' }), async (req, res) => {
      const body = req.body as Buffer;
      const cover = new UploadedFile({ fieldName: 'cover', name: String(req.query.name), contentType: String(req.headers['content-type']), size: body.length, buffer: body });
      const form = new CoverForm({ data: { caption: req.query.caption }, files: { cover } });
      if (!(await form.validate())) return void res.status(400).json(form.errors.toJSON());
      const { image } = form.cleanedData.cover;
      res.json({ caption: form.cleanedData.caption, width: image.width, height: image.height });
    });
    app.post('/lines', (req, res) => {
      const formset = new LineSet({ data: req.body });
      if (!formset.isValid()) return void res.status(400).json({ nonForm: formset.nonFormErrors().messages, forms: formset.forms.length });
      res.json(formset.cleanedData);
    });
    server = await serve(app);
  });
  afterAll(() => server.close());

  const post = (path: string, body: string | URLSearchParams | Buffer, headers: Record<string, string> = {}) => fetch(server.url + path, { method: 'POST', body, headers });

  it('validates an urlencoded body, repeated keys becoming a list', async () => {
    const ok = await post('/articles', new URLSearchParams([['title', ' Hello '], ['body', 'Text'], ['tags', 'js'], ['tags', 'ts'], ['rating', '4']]));
    expect(ok.status).toBe(201);
    expect(await ok.json()).toEqual({ title: 'Hello', body: 'Text', tags: ['js', 'ts'], rating: 4 });
  });

  it('validates a JSON body with typed values and answers with escaped HTML', async () => {
    const bad = await post('/articles', JSON.stringify({ title: '<img src=x onerror=alert(1)>', body: '', tags: ['py'], rating: 9 }), { 'content-type': 'application/json' });
    expect(bad.status).toBe(400);
    const { errors, html } = (await bad.json()) as { errors: Record<string, string[]>; html: string };
    expect(errors).toEqual({
      body: ['This field is required.'],
      tags: ['Select a valid choice. py is not one of the available choices.'],
      rating: ['Ensure this value is less than or equal to 5.'],
    });
    expect(html).toContain('value="&lt;img src=x onerror=alert(1)&gt;"');
    expect(html).not.toContain('<img');
  });

  it('checks an uploaded image by its bytes', async () => {
    const ok = await post('/cover?name=c.png&caption=Sea', png(30, 20), { 'content-type': 'image/png' });
    expect(await ok.json()).toEqual({ caption: 'Sea', width: 30, height: 20 });
    const fake = await post('/cover?name=c.png&caption=Sea', Buffer.from('GIF? no'), { 'content-type': 'image/png' });
    expect(fake.status).toBe(400);
    expect(await fake.json()).toEqual({ cover: ['Upload a valid image. The file you uploaded was either not an image or a corrupted image.'] });
  });

  it('refuses a formset claiming a huge number of forms', async () => {
    const body = new URLSearchParams({ 'form-TOTAL_FORMS': '1000000', 'form-INITIAL_FORMS': '0', 'form-0-item': 'pen', 'form-0-qty': '1' });
    const response = await post('/lines', body);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ nonForm: ['Please submit at most 3 forms.'], forms: 5 });
    const ok = await post('/lines', new URLSearchParams({ 'form-TOTAL_FORMS': '1', 'form-INITIAL_FORMS': '0', 'form-0-item': 'pen', 'form-0-qty': '2' }));
    expect(await ok.json()).toEqual([{ item: 'pen', qty: 2 }]);
  });
});
