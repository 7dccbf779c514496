import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface BenchServer {
  url: string;
  root: { accessKeyId: string; secretAccessKey: string };
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

/** Starts the built server (`dist/main.js serve`) as a separate process tree with `workers` workers. */
export async function startBenchServer(options: { workers: number; databaseUrl?: string; env?: Record<string, string> }): Promise<BenchServer> {
  const data = mkdtempSync(join(tmpdir(), 'cognate-bench-'));
  const port = await freePort();
  const root = { accessKeyId: 'AKIABENCHROOT0000001', secretAccessKey: 'benchbenchbenchbenchbenchbenchbenchbench' };
  const args = ['dist/main.js', 'serve', '--port', String(port), '--data', data, '--workers', String(options.workers), '--log-level', 'warn'];
  if (options.databaseUrl) args.push('--database-url', options.databaseUrl);
  const child: ChildProcess = spawn(process.execPath, args, {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, ...options.env, COGNATE_ROOT_ACCESS_KEY_ID: root.accessKeyId, COGNATE_ROOT_SECRET_ACCESS_KEY: root.secretAccessKey },
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      const res = await fetch(`${url}/health`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error('server did not become healthy in 30 s');
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    root,
    stop: async () => {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      rmSync(data, { recursive: true, force: true });
    },
  };
}
