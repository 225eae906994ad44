// Starts moto_server (the AWS service emulator) on a free loopback port for the integration tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const SHIM = fileURLToPath(new URL('./moto_server.py', import.meta.url));

export interface MotoServer {
  endpoint: string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export async function startMoto(): Promise<MotoServer> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  let child: ChildProcess;
  try {
    // moto_server plus a small shim for the one call moto lacks (see moto_server.py).
    child = spawn(process.env.SAGEZERO_PYTHON ?? 'python3', [SHIM, '-H', '127.0.0.1', '-p', String(port)], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
  } catch (e) {
    throw new Error(missingMessage((e as Error).message));
  }
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<never>((_, reject) => {
    child.once('error', (e) => reject(new Error(missingMessage(e.message))));
    child.once('exit', (code) =>
      reject(new Error(`moto_server exited with code ${code}: ${stderr.slice(-2000)}`)),
    );
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    const ok = await Promise.race([
      fetch(`${endpoint}/moto-api/`).then(
        (r) => r.ok,
        () => false,
      ),
      exited,
    ]);
    if (ok) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`moto_server did not answer on ${endpoint} within 60 s: ${stderr.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  exited.catch(() => undefined);
  return {
    endpoint,
    stop: async () => {
      child.removeAllListeners('exit');
      child.kill('SIGTERM');
    },
  };
}

function missingMessage(detail: string): string {
  return (
    `cannot start moto_server (${detail}). The integration tests need moto: ` +
    `install it with "pip install 'moto[server]'" (or run .ci/run, which does), then run npm test again.`
  );
}
