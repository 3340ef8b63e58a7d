/**
 * Errors of the image repository (store, fetcher, sync). Codes are stable; `image` names the
 * digest, URL or file concerned.
 */
import { FirmwardenError } from '../errors.ts';

export const ImageErrorCode = {
  /** The image's digest differs from the catalog's (download or put). */
  digest: 'FW_ERR_IMAGE_DIGEST',
  /** The image's size differs from the catalog's, or exceeds the download cap. */
  size: 'FW_ERR_IMAGE_SIZE',
  /** A stored image no longer matches its own address: corrupted on disk. */
  corrupt: 'FW_ERR_IMAGE_CORRUPT',
  /** A name that is not a digest or would escape the store (traversal). */
  path: 'FW_ERR_IMAGE_PATH',
  /** No such image in the store, or the source file does not exist. */
  notFound: 'FW_ERR_IMAGE_NOT_FOUND',
  /** The URL, or a redirect, names a host the catalog may not download from (image-hosts.ts). */
  host: 'FW_ERR_IMAGE_HOST',
  /** The download failed (HTTP status, connection, timeout). */
  fetch: 'FW_ERR_IMAGE_FETCH',
  /** The image's source file exists but cannot be read (permissions, a directory...). */
  source: 'FW_ERR_IMAGE_SOURCE',
  /** The store itself could not be read or written (disk full, permissions). */
  io: 'FW_ERR_IMAGE_IO',
} as const;
export type ImageErrorCode = (typeof ImageErrorCode)[keyof typeof ImageErrorCode];

/** An image could not be stored, read, verified or fetched. */
export class ImageStoreError extends FirmwardenError {
  readonly image: string;
  /** Worth another attempt (connection reset, 5xx, 429, timeout). */
  readonly retryable: boolean;
  constructor(
    code: ImageErrorCode,
    image: string,
    message: string,
    options: { cause?: unknown; retryable?: boolean } = {},
  ) {
    super(code, `image "${image}": ${message}`, { cause: options.cause });
    this.name = 'ImageStoreError';
    this.image = image;
    this.retryable = options.retryable ?? false;
  }
}
