// Static files the dashboard needs: uPlot from node_modules (the charting library, served by the
// app, never from a CDN) and the page's own script and style from ./assets.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export interface Asset {
  body: string;
  contentType: string;
}

const require = createRequire(import.meta.url);

function ownAsset(name: string): string {
  // Next to this module (src/ under tsx, dist/ after a build that copies assets), else the source
  // tree (dist/ run from a checkout whose build did not copy them).
  const candidates = [
    new URL(`./assets/${name}`, import.meta.url),
    new URL(`../../src/server/assets/${name}`, import.meta.url),
  ];
  for (const url of candidates) {
    try {
      return readFileSync(url, 'utf8');
    } catch {
      // try the next place
    }
  }
  throw new Error(
    `dashboard asset missing: ${fileURLToPath(candidates[0]!)} (copy src/server/assets/ there)`,
  );
}

const SOURCES: Record<string, { load: () => string; contentType: string }> = {
  'uPlot.iife.min.js': {
    load: () => readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
    contentType: 'text/javascript; charset=utf-8',
  },
  'uPlot.min.css': {
    load: () => readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
    contentType: 'text/css; charset=utf-8',
  },
  'dashboard.js': { load: () => ownAsset('dashboard.js'), contentType: 'text/javascript; charset=utf-8' },
  'dashboard.css': { load: () => ownAsset('dashboard.css'), contentType: 'text/css; charset=utf-8' },
};

const cache = new Map<string, Asset>();

/** The named asset, or undefined for any other name (the route answers 404). */
export function asset(name: string): Asset | undefined {
  const src = SOURCES[name];
  if (!src) return undefined;
  let a = cache.get(name);
  if (!a) {
    a = { body: src.load(), contentType: src.contentType };
    cache.set(name, a);
  }
  return a;
}
