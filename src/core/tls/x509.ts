/**
 * The one way Cognate loads `@peculiar/x509`: import it from here, never directly.
 *
 * @peculiar/x509 2.x resolves its algorithm providers through tsyringe, which refuses to load
 * unless `Reflect.getMetadata` exists (the decorator-metadata polyfill `reflect-metadata`).
 * ESM evaluates module requests in source order, so the polyfill loads before the library.
 */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

// Node 20 ships WebCrypto as `globalThis.crypto`; tell the library to use it.
x509.cryptoProvider.set(globalThis.crypto);

export { x509 };
