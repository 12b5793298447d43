import { FileExtensionValidator, type UploadedFile } from '@manouche/core';
import { IMAGE_HEAD_BYTES, imageInfo, type ImageInfo, SNIFFABLE_TYPES, sniffContentType } from '../files/sniff';
import type { Attrs } from '../utils/attrs';
import { ClearableFileInput, FILE_INPUT_CONTRADICTION, FileInput, type StoredFileRef, type Widget } from '../widgets/widget';
import { Field, type FieldOptions } from './field';

/** The parts of core's UploadedFile a file field reads. */
type Upload = Pick<UploadedFile, 'name' | 'size' | 'contentType' | 'head'>;

export interface FileFieldOptions extends FieldOptions {
  /** Longest accepted file name. */
  maxLength?: number;
  /** Accept a zero-byte file (default false). */
  allowEmptyFile?: boolean;
  /** Largest accepted size in bytes (core's FILE_UPLOAD_MAX_SIZE still caps the request). */
  maxSize?: number;
  /**
   * Accepted MIME types. A type with a known signature (images, PDF, ZIP…)
   * is checked against the file's bytes; others (text/csv) against what the
   * client declared, and only when the bytes match no known signature.
   */
  contentTypes?: readonly string[];
}

/** The value of a FileField: a new upload, the initial (stored) file, or `false` when "clear" was ticked. */
export type FileValue = UploadedFile | StoredFileRef | string;

/** Django's filesizeformat, for messages: "2.5 MB". */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} byte${bytes === 1 ? '' : 's'}`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${Number(value.toFixed(1))} ${units[unit]}`;
}

function isUpload(value: unknown): value is Upload {
  return typeof value === 'object' && value !== null && typeof (value as Upload).name === 'string' && typeof (value as Upload).size === 'number' && typeof (value as Upload).head === 'function';
}

/**
 * Django's FileField: an upload from `request.files()`, checked for name
 * length, emptiness, size and (sniffed) type. Keeps the initial file when
 * nothing new is uploaded; `false` when the user ticks "clear".
 */
export class FileField<T = UploadedFile> extends Field<T> {
  static override defaultWidget = ClearableFileInput;
  static override defaultErrorMessages: Record<string, string> = {
    invalid: 'No file was submitted. Check the encoding type on the form.',
    missing: 'No file was submitted.',
    empty: 'The submitted file is empty.',
    max_length: 'Ensure this filename has at most %(max)d characters (it has %(length)d).',
    contradiction: 'Please either submit a file or check the clear checkbox, not both.',
    max_size: 'Ensure this file is at most %(max_size)s (it is %(size)s).',
    content_type: 'Files of type “%(content_type)s” are not allowed. Allowed types are: %(allowed_types)s.',
  };
  override readonly readsFiles = true;
  readonly maxLength: number | undefined;
  readonly allowEmptyFile: boolean;
  readonly maxSize: number | undefined;
  readonly contentTypes: readonly string[] | undefined;

  constructor(options: FileFieldOptions = {}) {
    super(options);
    this.maxLength = options.maxLength;
    this.allowEmptyFile = options.allowEmptyFile ?? false;
    this.maxSize = options.maxSize;
    this.contentTypes = options.contentTypes?.map((t) => t.toLowerCase());
  }

  toPython(data: unknown): T {
    if (data === null || data === undefined || data === '' || data === false) return null as T;
    if (!isUpload(data)) throw this.error('invalid');
    if (this.maxLength !== undefined && [...data.name].length > this.maxLength) {
      const length = [...data.name].length;
      throw this.error('max_length', { max: this.maxLength, length });
    }
    if (!data.name) throw this.error('invalid');
    if (!this.allowEmptyFile && !data.size) throw this.error('empty');
    if (this.maxSize !== undefined && data.size > this.maxSize) throw this.error('max_size', { max_size: formatSize(this.maxSize), size: formatSize(data.size) });
    return data as T;
  }

  override clean(data: unknown, initial?: unknown): T | Promise<T> {
    if (data === FILE_INPUT_CONTRADICTION) throw this.error('contradiction');
    if (data === false) {
      if (!this.required) return false as T;
      data = null;
    }
    if (!data && initial) return initial as T;
    const file = super.clean(data) as T;
    if (!isUpload(file)) return file;
    return this.checkContent(file);
  }

  /** The content checks that need the file's bytes; synchronous when there are none. */
  protected checkContent(file: T & Upload): T | Promise<T> {
    const allowed = this.contentTypes;
    if (!allowed) return file;
    return file.head(512).then((head) => {
      const sniffed = sniffContentType(head);
      const declared = file.contentType.toLowerCase().split(';')[0]!.trim();
      // a declared type we could recognise but do not see in the bytes is a lie, not a fallback
      const effective = sniffed ?? (SNIFFABLE_TYPES.has(declared) ? 'application/octet-stream' : declared);
      if (!allowed.includes(effective)) throw this.error('content_type', { content_type: effective, allowed_types: allowed.join(', ') });
      return file;
    });
  }

  /** A bound file input never shows the submitted file again: it shows the initial one. */
  override boundData(_data: unknown, initial: unknown): unknown {
    return initial;
  }

  override hasChanged(_initial: unknown, data: unknown): boolean {
    return !this.disabled && data !== null && data !== undefined;
  }

  override widgetAttrs(_widget: Widget): Attrs {
    return {};
  }
}

/** Image extensions Pillow reads, for Django's validate_image_file_extension. */
const IMAGE_EXTENSIONS = ['apng', 'avif', 'bmp', 'dib', 'gif', 'heic', 'heif', 'ico', 'jfif', 'jpe', 'jpeg', 'jpg', 'png', 'tif', 'tiff', 'webp'];

/** An upload ImageField accepted, with what its bytes say (Django sets `file.image`). */
export type UploadedImage = UploadedFile & { readonly image: ImageInfo };

export interface ImageFieldOptions extends FileFieldOptions {
  /** Refuse images with more pixels than this (decompression bombs); Pillow's limit by default. */
  maxPixels?: number;
}

/**
 * Django's ImageField: the bytes must be an image (PNG, JPEG, GIF, WebP,
 * BMP, ICO, TIFF, AVIF, HEIC) with a readable header — whatever the name or
 * declared type say. The cleaned upload carries `image` (format, type, size).
 */
export class ImageField<T = UploadedImage> extends FileField<T> {
  static override defaultErrorMessages: Record<string, string> = {
    invalid_image: 'Upload a valid image. The file you uploaded was either not an image or a corrupted image.',
  };
  readonly maxPixels: number;

  constructor(options: ImageFieldOptions = {}) {
    super(options);
    this.maxPixels = options.maxPixels ?? 89_478_485;
  }

  protected override defaultValidators(): never[] {
    return [new FileExtensionValidator(IMAGE_EXTENSIONS)] as never[];
  }

  protected override checkContent(file: T & Upload): Promise<T> {
    return file.head(IMAGE_HEAD_BYTES).then((head) => {
      const info = imageInfo(head);
      if (!info || info.width * info.height > this.maxPixels) throw this.error('invalid_image');
      if (this.contentTypes && !this.contentTypes.includes(info.contentType)) {
        throw this.error('content_type', { content_type: info.contentType, allowed_types: this.contentTypes.join(', ') });
      }
      Object.defineProperty(file, 'image', { value: info, enumerable: true, configurable: true });
      return file;
    });
  }

  override widgetAttrs(widget: Widget): Attrs {
    return widget instanceof FileInput && !('accept' in widget.attrs) ? { accept: 'image/*' } : {};
  }
}
