import type { IncomingMessage } from 'node:http';
import type { Readable, Writable } from 'node:stream';
import busboy from 'busboy';
import { AppError, badRequest } from '../../shared/errors.ts';

export const uploadAborted = () => new AppError(400, 'upload_aborted', 'The connection closed before the whole body arrived');

/**
 * Pipes the request body into `into`. A client that goes away mid-body fails `into`, so whatever
 * consumes it cleans up instead of waiting forever. The request itself is never destroyed here: the
 * response to a refused upload must still be able to go out.
 */
export function feedRequest(req: IncomingMessage, into: Writable): void {
  req.pipe(into);
  req.on('error', () => undefined); // reported through 'close' below
  req.once('close', () => {
    if (!req.complete) into.destroy(uploadAborted());
  });
}

/**
 * Reads a multipart/form-data body that must hold exactly one file part, handing that part to `store`
 * while it streams; other fields are ignored. Resolves with what `store` produced once the whole body
 * is read. On a refusal (no file, a second file, a malformed body, a failed store, the client gone)
 * anything already stored is passed to `discard` before the error is thrown.
 */
export async function readSingleFile<T>(
  req: IncomingMessage,
  store: (file: Readable, filename: string | undefined) => Promise<T>,
  discard: (stored: T) => Promise<void>,
): Promise<T> {
  let form: busboy.Busboy;
  try {
    form = busboy({ headers: req.headers, limits: { files: 1, fields: 20, fieldSize: 8192, parts: 32, headerPairs: 32 } });
  } catch {
    throw badRequest('invalid_multipart', 'The multipart body has no boundary');
  }
  let storing: Promise<T> | undefined;
  let extraFile = false;
  const parsed = new Promise<void>((resolve, reject) => {
    form.on('file', (_field, file, info) => {
      // `store` may wait (a quota check) before it reads the part; a body that ends early meanwhile
      // errors this stream, and an error with no listener would end the process. It reaches the
      // caller through the form's own error and the failed store.
      file.on('error', () => undefined);
      storing = store(file, info.filename);
      // A failed store (a size limit) leaves the parser stalled on the unread part, so it decides at once.
      storing.catch(reject);
    });
    form.on('filesLimit', () => (extraFile = true));
    form.on('close', resolve);
    form.on('error', (err) => reject(err instanceof AppError ? err : badRequest('invalid_multipart', `Malformed multipart body: ${(err as Error).message}`)));
  });
  feedRequest(req, form);

  try {
    await parsed;
    if (!storing) throw badRequest('no_file', 'The form has no file part');
    if (extraFile) throw badRequest('too_many_files', 'Send exactly one file part');
    return await storing;
  } catch (err) {
    req.unpipe(form);
    form.destroy();
    const stored = await storing?.catch(() => undefined);
    if (stored !== undefined) await discard(stored);
    throw err;
  }
}
