import { mkdtempSync, readFileSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Client, createApp, HttpResponse, JsonResponse, path, UploadedFile, ValidationError } from '@manouche/core';
import { defineForm, FileField, fields, FileSystemStorage, getValidName, ImageField, imageInfo, SuspiciousFileOperation } from '../src/index';
import { gif, jpeg, png } from './support/images';

const upload = (name: string, content: Buffer | string, contentType = 'application/octet-stream'): UploadedFile => {
  const buffer = Buffer.from(content);
  return new UploadedFile({ fieldName: 'f', name, contentType, size: buffer.length, buffer });
};

async function clean(field: FileField<unknown>, value: unknown, initial?: unknown): Promise<unknown> {
  try {
    return await field.clean(value, initial);
  } catch (error) {
    if (error instanceof ValidationError) return { errors: error.messages };
    throw error;
  }
}

describe('FileField', () => {
  it('checks presence, emptiness, name length and size, synchronously when it can', () => {
    const field = new FileField({ maxLength: 10, maxSize: 5 });
    const file = upload('a.txt', 'abc');
    expect(field.clean(file)).toBe(file);
    expect(() => field.clean(undefined)).toThrow('This field is required.');
    expect(() => field.clean(upload('a.txt', ''))).toThrow('The submitted file is empty.');
    expect(() => field.clean(upload('abcdefghijk.txt', 'x'))).toThrow('Ensure this filename has at most 10 characters (it has 15).');
    expect(() => field.clean(upload('a.txt', '123456'))).toThrow('Ensure this file is at most 5 bytes (it is 6 bytes).');
    expect(() => field.clean('not a file')).toThrow('No file was submitted. Check the encoding type on the form.');
    expect(new FileField({ allowEmptyFile: true }).clean(upload('a.txt', ''))).toBeInstanceOf(UploadedFile);
  });

  it('keeps the initial file, clears an optional one, refuses a contradiction', () => {
    const stored = { name: 'old.pdf', url: '/media/old.pdf' };
    const optional = new FileField({ required: false });
    expect(optional.clean(undefined, stored)).toBe(stored);
    expect(optional.clean(false, stored)).toBe(false);
    expect(() => new FileField().clean(false, undefined)).toThrow('This field is required.');
    const F = defineForm({ f: fields.FileField({ required: false }) });
    const form = new F({ data: { 'f-clear': 'on' }, files: { f: upload('a.txt', 'x') } });
    expect(form.errors.toJSON()).toEqual({ f: ['Please either submit a file or check the clear checkbox, not both.'] });
    expect(new F({ data: { 'f-clear': 'on' }, initial: { f: stored } }).cleanedData.f).toBe(false);
  });

  it('checks content types against the bytes, not the declared type', async () => {
    const field = new FileField({ contentTypes: ['application/pdf', 'text/csv'] });
    expect(await clean(field, upload('a.pdf', '%PDF-1.7 …', 'application/pdf'))).toBeInstanceOf(UploadedFile);
    expect(await clean(field, upload('a.csv', 'a,b\n1,2', 'text/csv'))).toBeInstanceOf(UploadedFile);
    // a PNG calling itself a PDF, and a "PDF" whose bytes are not one
    expect(await clean(field, upload('a.pdf', png(), 'application/pdf'))).toEqual({ errors: ['Files of type “image/png” are not allowed. Allowed types are: application/pdf, text/csv.'] });
    expect(await clean(field, upload('a.pdf', 'hello', 'application/pdf'))).toEqual({ errors: ['Files of type “application/octet-stream” are not allowed. Allowed types are: application/pdf, text/csv.'] });
  });
});

describe('ImageField', () => {
  it('accepts images whatever their name says and reads their size', async () => {
    const field = new ImageField();
    for (const [bytes, format, width, height] of [[png(), 'PNG', 2, 3], [jpeg(), 'JPEG', 4, 5], [gif(), 'GIF', 6, 7]] as const) {
      const cleaned = (await field.clean(upload('photo.jpg', bytes, 'text/plain'))) as UploadedFile & { image: { format: string; width: number; height: number } };
      expect(cleaned.image).toMatchObject({ format, width, height });
    }
  });

  it('refuses what is not an image, whatever its name and declared type', async () => {
    const field = new ImageField();
    const message = 'Upload a valid image. The file you uploaded was either not an image or a corrupted image.';
    expect(await clean(field, upload('evil.png', '<svg onload=alert(1)>', 'image/png'))).toEqual({ errors: [message] });
    expect(await clean(field, upload('x.png', png().subarray(0, 20), 'image/png'))).toEqual({ errors: [message] });
    expect(await clean(field, upload('x.png', png(0, 0), 'image/png'))).toEqual({ errors: [message] });
    expect(await clean(field, upload('x.svg', png()))).toEqual({ errors: ['File extension “svg” is not allowed. Allowed extensions are: apng, avif, bmp, dib, gif, heic, heif, ico, jfif, jpe, jpeg, jpg, png, tif, tiff, webp.'] });
    expect(await clean(new ImageField({ maxPixels: 100 }), upload('big.png', png(20, 20)))).toEqual({ errors: [message] });
    expect(await clean(new ImageField({ contentTypes: ['image/png'] }), upload('x.gif', gif()))).toEqual({ errors: ['Files of type “image/gif” are not allowed. Allowed types are: image/png.'] });
  });

  it('reads an upload spooled to disk', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'forms-img-'));
    const tempPath = join(dir, 'upload.tmp');
    const bytes = Buffer.concat([jpeg(640, 480), Buffer.alloc(100_000)]);
    writeFileSync(tempPath, bytes);
    const file = new UploadedFile({ fieldName: 'f', name: 'p.jpeg', contentType: 'image/jpeg', size: bytes.length, tempPath });
    expect(((await new ImageField().clean(file)) as { image: { width: number } }).image.width).toBe(640);
  });

  it('makes a form validate asynchronously, with accept="image/*"', async () => {
    const F = defineForm({ title: fields.CharField(), photo: fields.ImageField() });
    expect(new F().field('photo').toHtml().value).toBe('<input type="file" name="photo" accept="image/*" required id="id_photo">');
    const form = new F({ data: { title: 'x' }, files: { photo: upload('a.png', png()) } });
    expect(() => form.isValid()).toThrow('the field "photo" (ImageField) checks the uploaded file or the database');
    expect(await form.validate()).toBe(true);
    expect(form.cleanedData.photo.image.format).toBe('PNG');
    expect(imageInfo(Buffer.from('nope'))).toBeNull();
  });
});

describe('FileSystemStorage', () => {
  const make = () => new FileSystemStorage({ location: mkdtempSync(join(tmpdir(), 'forms-storage-')), baseUrl: '/media/' });

  it('saves under a safe name, never overwriting, and serves URLs', async () => {
    const storage = make();
    const first = await storage.save('avatars/My Photo (1).png', Buffer.from('one'));
    expect(first).toBe('avatars/My_Photo_1.png');
    const second = await storage.save('avatars/My Photo (1).png', 'two');
    expect(second).toMatch(/^avatars\/My_Photo_1_[A-Za-z0-9]{7}\.png$/);
    expect((await storage.read(first)).toString()).toBe('one');
    expect((await storage.read(second)).toString()).toBe('two');
    expect(await storage.size(first)).toBe(3);
    expect(await storage.exists(first)).toBe(true);
    expect(storage.url('avatars/é x.png')).toBe('/media/avatars/%C3%A9_x.png');
    await storage.delete(first);
    expect(await storage.exists(first)).toBe(false);
    expect(await storage.save('.htaccess', 'x')).toBe('htaccess');
  });

  it('saves uploads from memory and from temp files, and streams', async () => {
    const storage = make();
    const name = await storage.save('u.txt', upload('u.txt', 'memory'));
    expect((await storage.read(name)).toString()).toBe('memory');
    const dir = mkdtempSync(join(tmpdir(), 'forms-up-'));
    writeFileSync(join(dir, 'tmp'), 'disk');
    const spooled = new UploadedFile({ fieldName: 'f', name: 'd.txt', contentType: 'text/plain', size: 4, tempPath: join(dir, 'tmp') });
    const saved = await storage.save('d.txt', spooled);
    expect((await storage.read(saved)).toString()).toBe('disk');
    expect(existsSync(join(dir, 'tmp'))).toBe(false);
    expect((await storage.read(await storage.save('s.txt', Readable.from(['str', 'eam'])))).toString()).toBe('stream');
  });

  it('refuses traversal, absolute names, NUL bytes and symlinked folders leading outside', async () => {
    const storage = make();
    for (const bad of ['../x.txt', 'a/../../x.txt', '/etc/passwd', 'C:/x.txt', 'a\0b.txt', '..', './x', 'a\\..\\..\\x']) {
      await expect(storage.save(bad, 'x')).rejects.toThrow(SuspiciousFileOperation);
    }
    const outside = mkdtempSync(join(tmpdir(), 'forms-outside-'));
    symlinkSync(outside, join(storage.location, 'link'));
    await expect(storage.save('link/x.txt', 'x')).rejects.toThrow(/leads outside the storage/);
    writeFileSync(join(outside, 'secret.txt'), 'secret');
    await expect(storage.read('link/secret.txt')).rejects.toThrow(SuspiciousFileOperation);
    expect(() => getValidName('???')).toThrow(SuspiciousFileOperation);
    expect(getValidName(`${'a'.repeat(300)}.png`)).toHaveLength(100);
  });

  it('finds a free name when two uploads race for the same one', async () => {
    const storage = make();
    const names = await Promise.all(Array.from({ length: 20 }, (_, i) => storage.save('same.txt', String(i))));
    expect(new Set(names).size).toBe(20);
    const contents = await Promise.all(names.map(async (n) => (await storage.read(n)).toString()));
    expect(contents.sort((a, b) => Number(a) - Number(b))).toEqual(Array.from({ length: 20 }, (_, i) => String(i)));
  });
});

describe('uploads through a Manouche app', () => {
  it('binds request.form() and request.files(), validates the image and stores it', async () => {
    const storage = make();
    function make() {
      return new FileSystemStorage({ location: mkdtempSync(join(tmpdir(), 'forms-app-')) });
    }
    const AvatarForm = defineForm({ name: fields.CharField(), avatar: fields.ImageField({ maxSize: 1024 }) });
    const app = createApp({
      settings: { SECRET_KEY: 'test-only-secret', ALLOWED_HOSTS: ['*'], DEBUG: true },
      urls: [
        path('avatar/', async (request) => {
          const form = await AvatarForm.fromRequest(request);
          if (!(await form.validate())) return new JsonResponse({ errors: form.errors.toJSON() }, { status: 400 });
          const { avatar, name } = form.cleanedData;
          const stored = await storage.save(`avatars/${name}.${avatar.image.format.toLowerCase()}`, avatar);
          return new HttpResponse(storage.url(stored));
        }),
      ],
    });
    const client = new Client(app);
    const ok = await client.post('/avatar/', { name: 'ann', avatar: { name: 'me.png', content: png(), contentType: 'image/png' } });
    expect(ok.status).toBe(200);
    expect(ok.text).toBe('/media/avatars/ann.png');
    expect(readFileSync(join(storage.location, 'avatars/ann.png')).equals(png())).toBe(true);
    const bad = await client.post('/avatar/', { name: 'bob', avatar: { name: 'me.png', content: '<html>', contentType: 'image/png' } });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text)).toEqual({ errors: { avatar: ['Upload a valid image. The file you uploaded was either not an image or a corrupted image.'] } });
  });
});
