import { createRequire } from 'node:module';
import type * as Uws from 'uWebSockets.js';

export type * from 'uWebSockets.js';

/**
 * Loads the native uWebSockets.js binary for this platform directly. The package's own entry point
 * silently falls back to a slow JavaScript implementation when the binary does not load; here a
 * missing or incompatible binary stops the process with a clear error instead.
 */
function loadNativeUws(): typeof Uws {
  const binary = `uWebSockets.js/binaries/uws_${process.platform}_${process.arch}_${process.versions.modules}.node`;
  try {
    return createRequire(import.meta.url)(binary) as typeof Uws;
  } catch (err) {
    throw new Error(`cannot load the native uWebSockets.js binary ${binary} (Node ${process.version}): ${(err as Error).message}`);
  }
}

export const uws = loadNativeUws();
