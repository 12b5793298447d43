/**
 * Identify a file from its first bytes, never from its name or the type the
 * client declared. Covers the image formats browsers display and the common
 * document/archive formats.
 */

export interface ImageInfo {
  /** Pillow's format name: PNG, JPEG, GIF, WEBP, BMP, ICO, TIFF, AVIF, HEIC. */
  format: string;
  contentType: string;
  width: number;
  height: number;
}

const ascii = (bytes: Uint8Array, start: number, end: number): string => String.fromCharCode(...bytes.subarray(start, end));
const startsWith = (bytes: Uint8Array, signature: readonly number[], offset = 0): boolean =>
  bytes.length >= offset + signature.length && signature.every((b, i) => bytes[offset + i] === b);

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** The MIME type the bytes show, or null when they match no known signature. */
export function sniffContentType(bytes: Uint8Array): string | null {
  const image = sniffImageFormat(bytes);
  if (image) return image.contentType;
  if (startsWith(bytes, [0x25, 0x50, 0x44, 0x46, 0x2d])) return 'application/pdf';
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]) || startsWith(bytes, [0x50, 0x4b, 0x05, 0x06])) return 'application/zip';
  if (startsWith(bytes, [0x1f, 0x8b])) return 'application/gzip';
  if (startsWith(bytes, [0x49, 0x44, 0x33]) || (bytes[0] === 0xff && ((bytes[1] ?? 0) & 0xe0) === 0xe0)) return 'audio/mpeg';
  if (startsWith(bytes, [0x4f, 0x67, 0x67, 0x53])) return 'application/ogg';
  if (startsWith(bytes, [0x1a, 0x45, 0xdf, 0xa3])) return 'video/webm';
  if (bytes.length >= 12 && ascii(bytes, 4, 8) === 'ftyp') return 'video/mp4';
  return null;
}

/** Every type sniffContentType() can recognise: a file declaring one of these must show it in its bytes. */
export const SNIFFABLE_TYPES: ReadonlySet<string> = new Set([
  'image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/bmp', 'image/x-icon', 'image/tiff', 'image/avif', 'image/heic',
  'application/pdf', 'application/zip', 'application/gzip', 'audio/mpeg', 'application/ogg', 'video/webm', 'video/mp4',
]);

function sniffImageFormat(bytes: Uint8Array): { format: string; contentType: string } | null {
  if (startsWith(bytes, PNG)) return { format: 'PNG', contentType: 'image/png' };
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return { format: 'JPEG', contentType: 'image/jpeg' };
  if (bytes.length >= 6 && (ascii(bytes, 0, 6) === 'GIF87a' || ascii(bytes, 0, 6) === 'GIF89a')) return { format: 'GIF', contentType: 'image/gif' };
  if (bytes.length >= 12 && ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP') return { format: 'WEBP', contentType: 'image/webp' };
  if (startsWith(bytes, [0x42, 0x4d]) && bytes.length >= 26) return { format: 'BMP', contentType: 'image/bmp' };
  if (startsWith(bytes, [0x00, 0x00, 0x01, 0x00])) return { format: 'ICO', contentType: 'image/x-icon' };
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) return { format: 'TIFF', contentType: 'image/tiff' };
  if (bytes.length >= 12 && ascii(bytes, 4, 8) === 'ftyp') {
    const brand = ascii(bytes, 8, 12);
    if (brand === 'avif' || brand === 'avis') return { format: 'AVIF', contentType: 'image/avif' };
    if (brand === 'heic' || brand === 'heix' || brand === 'mif1' || brand === 'msf1') return { format: 'HEIC', contentType: 'image/heic' };
  }
  return null;
}

const u16be = (b: Uint8Array, i: number): number => (b[i]! << 8) | b[i + 1]!;
const u16le = (b: Uint8Array, i: number): number => b[i]! | (b[i + 1]! << 8);
const u32be = (b: Uint8Array, i: number): number => ((b[i]! << 24) >>> 0) + (b[i + 1]! << 16) + (b[i + 2]! << 8) + b[i + 3]!;
const i32le = (b: Uint8Array, i: number): number => b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24);
const u24le = (b: Uint8Array, i: number): number => b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16);

/** Width and height from the header, or null when the header is truncated or corrupt. */
function dimensions(format: string, b: Uint8Array): [number, number] | null {
  switch (format) {
    case 'PNG':
      // the IHDR chunk must come first
      if (b.length < 24 || ascii(b, 12, 16) !== 'IHDR') return null;
      return [u32be(b, 16), u32be(b, 20)];
    case 'GIF':
      return b.length >= 10 ? [u16le(b, 6), u16le(b, 8)] : null;
    case 'BMP':
      return b.length >= 26 ? [Math.abs(i32le(b, 18)), Math.abs(i32le(b, 22))] : null;
    case 'ICO':
      return b.length >= 8 ? [b[6] || 256, b[7] || 256] : null;
    case 'WEBP': {
      if (b.length < 30) return null;
      const chunk = ascii(b, 12, 16);
      if (chunk === 'VP8 ') return [u16le(b, 26) & 0x3fff, u16le(b, 28) & 0x3fff];
      if (chunk === 'VP8L') {
        if (b[20] !== 0x2f) return null;
        const bits = b[21]! | (b[22]! << 8) | (b[23]! << 16) | (b[24]! << 24);
        return [(bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1];
      }
      if (chunk === 'VP8X') return [u24le(b, 24) + 1, u24le(b, 27) + 1];
      return null;
    }
    case 'JPEG': {
      // walk the markers to the first start-of-frame
      let i = 2;
      while (i + 9 < b.length) {
        if (b[i] !== 0xff) return null;
        const marker = b[i + 1]!;
        if (marker === 0xff) {
          i++;
          continue;
        }
        const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
        if (isFrame) return [u16be(b, i + 7), u16be(b, i + 5)];
        if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
          i += 2;
          continue;
        }
        if (marker === 0xd9 || marker === 0xda) return null;
        i += 2 + u16be(b, i + 2);
      }
      return null;
    }
    default:
      // TIFF, AVIF and HEIC keep their size deep in the file: recognised, size unknown
      return [0, 0];
  }
}

/** How many leading bytes imageInfo() needs to find a JPEG's frame header behind large EXIF blocks. */
export const IMAGE_HEAD_BYTES = 256 * 1024;

/** Format, type and size of an image, or null when the bytes are not a readable image header. */
export function imageInfo(bytes: Uint8Array): ImageInfo | null {
  const sniffed = sniffImageFormat(bytes);
  if (!sniffed) return null;
  const size = dimensions(sniffed.format, bytes);
  if (!size) return null;
  const [width, height] = size;
  if ((width === 0 || height === 0) && ['PNG', 'GIF', 'BMP', 'WEBP', 'JPEG'].includes(sniffed.format)) return null;
  return { ...sniffed, width, height };
}
