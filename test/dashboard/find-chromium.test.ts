import { describe, expect, it } from 'vitest';
import { CANDIDATES, findChromium, skipMessage } from './find-chromium.js';

const only =
  (...present: string[]) =>
  (p: string): boolean =>
    present.includes(p);

describe('findChromium', () => {
  it("finds Ubuntu's chromium-browser and snap's chromium, not only Debian's path", () => {
    expect(findChromium({}, only('/usr/bin/chromium-browser'))).toEqual({
      found: true,
      path: '/usr/bin/chromium-browser',
    });
    expect(findChromium({}, only('/snap/bin/chromium'))).toEqual({ found: true, path: '/snap/bin/chromium' });
    expect(findChromium({}, only('/usr/bin/google-chrome-stable'))).toMatchObject({ found: true });
  });

  it('prefers CHROME_PATH, then CHROMIUM_PATH, over the usual places', () => {
    const exists = only('/opt/chrome/chrome', '/opt/chromium/chrome', '/usr/bin/chromium');
    expect(findChromium({ CHROME_PATH: '/opt/chrome/chrome' }, exists)).toEqual({
      found: true,
      path: '/opt/chrome/chrome',
    });
    expect(findChromium({ CHROMIUM_PATH: '/opt/chromium/chrome' }, exists)).toEqual({
      found: true,
      path: '/opt/chromium/chrome',
    });
  });

  it('says a CHROME_PATH that does not exist is wrong instead of quietly using another browser', () => {
    const r = findChromium({ CHROME_PATH: '/nope/chrome' }, only('/usr/bin/chromium'));
    expect(r).toMatchObject({ found: false, reason: 'CHROME_PATH=/nope/chrome does not exist' });
  });

  it('when nothing is installed, the skip message names every place looked and what to install', () => {
    const r = findChromium({}, only());
    if (r.found) throw new Error('expected no browser');
    expect(r.looked).toEqual([...CANDIDATES]);
    const msg = skipMessage(r);
    expect(msg).toContain('chromium not found at /usr/bin/chromium, /usr/bin/chromium-browser');
    expect(msg).toContain("install Debian's chromium");
    expect(msg).toContain('CHROME_PATH');
  });
});
