// The Slack webhook URL is a bearer secret: whoever has it can post to the channel. It must not reach
// logs, errors or API output, including errors from the HTTP client that quote the URL they called.

const REDACTED = '<redacted>';

/** Any Slack webhook or workflow-trigger URL, even one this process was not given. */
const SLACK_URL = /https?:\/\/hooks\.slack(?:-gov)?\.com\/[^\s"'<>)\]]*/gi;
/** The secret path of an incoming webhook, wherever it appears on its own. */
const SERVICES_PATH = /\/services\/[A-Za-z0-9_-]+\/[A-Za-z0-9_-]+\/[A-Za-z0-9_-]+/g;

/** The pieces of `url` worth hiding: the whole URL, without scheme, its path, and its long path segments. */
export function secretsOf(url: string): string[] {
  const out = new Set<string>([url]);
  try {
    const u = new URL(url);
    out.add(u.href);
    out.add(`${u.host}${u.pathname}${u.search}`);
    if (u.pathname.length > 1) out.add(`${u.pathname}${u.search}`);
    if (u.pathname.length > 1) out.add(u.pathname);
    for (const seg of u.pathname.split('/')) if (seg.length >= 8) out.add(seg);
    if (u.search.length > 1) out.add(u.search.slice(1));
  } catch {
    // Not a URL: hiding the string itself is all that can be done.
  }
  // Longest first, so a part never leaves a longer secret half-replaced.
  return [...out].filter((s) => s.length >= 4).sort((a, b) => b.length - a.length);
}

export function redact(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const s of secrets) if (s) out = out.split(s).join(REDACTED);
  return out
    .replace(SLACK_URL, `https://hooks.slack.com/${REDACTED}`)
    .replace(SERVICES_PATH, `/services/${REDACTED}`);
}

/** A one-line, redacted description of any thrown value, following `cause` chains (fetch hides the reason there). */
export function describeError(e: unknown, secrets: readonly string[] = []): string {
  const parts: string[] = [];
  let cur: unknown = e;
  for (let depth = 0; cur !== undefined && cur !== null && depth < 4; depth++) {
    if (cur instanceof Error) {
      const code = (cur as { code?: unknown }).code;
      parts.push(
        `${cur.message}${typeof code === 'string' && !cur.message.includes(code) ? ` (${code})` : ''}`,
      );
      cur = (cur as { cause?: unknown }).cause;
    } else {
      parts.push(String(cur));
      break;
    }
  }
  return redact(parts.join(': '), secrets);
}
