// @peculiar/x509 resolves its algorithms through tsyringe, which needs the Reflect metadata API to exist
// before the library is evaluated; import the library only through this module.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

export { x509 };
export const subtle = webcrypto.subtle as unknown as SubtleCrypto;
