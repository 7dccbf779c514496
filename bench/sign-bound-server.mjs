// The practical bound of the token-grant benchmarks on this machine: two node:cluster workers
// doing nothing but HTTP and one RS256 JWT signature per request (a client-credentials access
// token's size), no storage, no framework. Started by bench/scenarios/http-sign-bound.ts, which
// puts the same load generator on the same cores as the real scenarios. Prints `port <n>`.
import cluster from 'node:cluster';
import { createServer } from 'node:http';
import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';

if (cluster.isPrimary) {
  let ready = 0;
  for (let i = 0; i < 2; i++) {
    cluster.fork().on('message', (port) => {
      if (++ready === 2) console.log(`port ${port}`);
    });
  }
  process.on('SIGTERM', () => {
    for (const w of Object.values(cluster.workers ?? {})) w?.kill();
    process.exit(0);
  });
} else {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const header = Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: 'bound' })).toString('base64url');
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const iat = Math.floor(Date.now() / 1000);
      const claims = { iss: 'https://bound.example/', sub: 'client@clients', aud: 'https://api.example/', iat, exp: iat + 86400, scope: 'read:things write:things', gty: 'client-credentials', azp: randomUUID() };
      const input = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
      const body = JSON.stringify({ access_token: `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`, expires_in: 86400, token_type: 'Bearer' });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  // Workers share the primary's listening socket: the first to bind picks the port.
  server.listen(Number(process.env.BOUND_PORT ?? 0), '127.0.0.1', () => process.send?.(server.address().port));
}
