// Where a Chromium or Chrome the dashboard test can drive lives: an explicit CHROME_PATH or
// CHROMIUM_PATH first, then where Debian/Ubuntu packages, snap, Chrome's own packages and macOS put
// it. A skip has to say why and what to install, or "1 skipped" reads as a pass.
import { existsSync } from 'node:fs';

export const ENV_VARS = ['CHROME_PATH', 'CHROMIUM_PATH'] as const;

export const CANDIDATES = [
  '/usr/bin/chromium', // Debian's chromium package
  '/usr/bin/chromium-browser', // Ubuntu, Fedora, Alpine
  '/usr/bin/google-chrome', // Google's .deb/.rpm
  '/usr/bin/google-chrome-stable',
  '/snap/bin/chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
] as const;

export type ChromiumLookup =
  { found: true; path: string } | { found: false; reason: string; looked: string[] };

export function findChromium(
  env: NodeJS.ProcessEnv = process.env,
  exists: (p: string) => boolean = existsSync,
): ChromiumLookup {
  for (const name of ENV_VARS) {
    const p = env[name];
    if (!p) continue;
    // A path the user named and got wrong is worth saying, not silently replacing.
    if (!exists(p)) return { found: false, reason: `${name}=${p} does not exist`, looked: [p] };
    return { found: true, path: p };
  }
  const hit = CANDIDATES.find((p) => exists(p));
  if (hit) return { found: true, path: hit };
  return {
    found: false,
    reason: `chromium not found at ${CANDIDATES.join(', ')}`,
    looked: [...CANDIDATES],
  };
}

/** The line a skipped run prints: why, and how to get the test to run. */
export function skipMessage(r: Extract<ChromiumLookup, { found: false }>): string {
  return (
    `dashboard browser test skipped: ${r.reason}; install Debian's chromium (apt-get install chromium) ` +
    `or set CHROME_PATH to a Chromium or Chrome executable`
  );
}
