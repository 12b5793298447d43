import { type HttpRequest } from '@manouche/core';
import { FileSystemStorage, type UploadedImage } from '@manouche/forms';

const EXTENSIONS: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/gif': 'gif', 'image/webp': 'webp' };

/** The media storage (MEDIA_ROOT, served at MEDIA_URL). */
export function mediaStorage(request: HttpRequest): FileSystemStorage {
  const location = request.settings.MEDIA_ROOT;
  if (!location) throw new TypeError('MEDIA_ROOT must be set to store uploads.');
  return new FileSystemStorage({ location, baseUrl: request.settings.MEDIA_URL });
}

/**
 * Store an article's picture as `articles/<slug>.<ext>`, the extension from
 * what the bytes are (never the uploaded name); resolves to the stored name.
 */
export function saveArticleImage(request: HttpRequest, slug: string, upload: UploadedImage): Promise<string> {
  const extension = EXTENSIONS[upload.image.contentType] ?? 'img';
  return mediaStorage(request).save(`articles/${slug}.${extension}`, upload);
}

/** Remove a stored picture; a file already gone is not an error. */
export async function deleteImage(request: HttpRequest, name: string): Promise<void> {
  if (!name) return;
  try {
    await mediaStorage(request).delete(name);
  } catch (error) {
    request.app.logger.warn(`Could not delete the picture ${name}.`, { error: error as Error });
  }
}
