import { tmpdir } from 'node:os';
import type { Settings } from '../conf/settings';

/** The upload limits of one app, read from settings once at start-up. */
export interface BodyLimits {
  /** DATA_UPLOAD_MAX_MEMORY_SIZE: the largest non-file body (or all form fields together). */
  maxMemorySize: number | null;
  /** DATA_UPLOAD_MAX_NUMBER_FIELDS */
  maxNumberFields: number | null;
  /** DATA_UPLOAD_MAX_NUMBER_FILES */
  maxNumberFiles: number | null;
  /** FILE_UPLOAD_MAX_MEMORY_SIZE: larger uploads are streamed to a temp file. */
  fileMaxMemorySize: number;
  /** FILE_UPLOAD_MAX_SIZE: the largest single uploaded file. */
  fileMaxSize: number | null;
  /** FILE_UPLOAD_TEMP_DIR */
  tempDir: string;
}

export function bodyLimitsFrom(settings: Settings): BodyLimits {
  return {
    maxMemorySize: settings.DATA_UPLOAD_MAX_MEMORY_SIZE,
    maxNumberFields: settings.DATA_UPLOAD_MAX_NUMBER_FIELDS,
    maxNumberFiles: settings.DATA_UPLOAD_MAX_NUMBER_FILES,
    fileMaxMemorySize: settings.FILE_UPLOAD_MAX_MEMORY_SIZE,
    fileMaxSize: settings.FILE_UPLOAD_MAX_SIZE,
    tempDir: settings.FILE_UPLOAD_TEMP_DIR ?? tmpdir(),
  };
}
