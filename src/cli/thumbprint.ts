import { thumbprintOf } from '../core/tls/thumbprint.js';

export const thumbprintUsage = 'cognate thumbprint <https-url>\n\n  Prints the SHA-1 fingerprint (40 hex characters) of the last certificate in the chain the server presents,\n  the value IAM expects in an OIDC provider\'s ThumbprintList.';

export async function thumbprint(args: string[]): Promise<void> {
  const url = args[0];
  if (!url || args.length !== 1 || !/^https:\/\//.test(url)) {
    process.stderr.write(`${thumbprintUsage}\n`);
    process.exit(2);
  }
  process.stdout.write(`${await thumbprintOf(url)}\n`);
}
