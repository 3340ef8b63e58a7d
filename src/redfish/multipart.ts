/**
 * The multipart/form-data body of a MultipartHttpPushUri request (DSP0266 §12.6.2.2): an
 * `UpdateParameters` JSON part and an `UpdateFile` part streamed from the image, never the whole
 * image in memory. Its length is known up front (BMCs want Content-Length).
 */
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';

/** The request body for a multipart update: stream, content type and exact length. */
export function multipartUpdateBody(
  params: Record<string, unknown>,
  image: { fileName: string; size: number; data: AsyncIterable<Buffer> },
): { raw: Readable; contentType: string; length: number } {
  const boundary = `firmwarden-${randomBytes(12).toString('hex')}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="UpdateParameters"\r\n` +
      `Content-Type: application/json\r\n\r\n${JSON.stringify(params)}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="UpdateFile"; filename="${safeName(image.fileName)}"\r\n` +
      'Content-Type: application/octet-stream\r\n\r\n',
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  async function* parts() {
    yield head;
    yield* image.data;
    yield tail;
  }
  return {
    raw: Readable.from(parts(), { objectMode: false }),
    contentType: `multipart/form-data; boundary=${boundary}`,
    length: head.length + image.size + tail.length,
  };
}

/** A file name safe inside a Content-Disposition header. */
function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 100) || 'image.bin';
}
