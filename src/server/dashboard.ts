// The dashboard page. The server fills in only the project's own words (escaped); the numbers come
// from /api/v1 in the browser (so the page needs no token, and the API keeps its own).
import { escapeHtml } from './html.js';

export function dashboardHtml(opts: {
  project: string;
  region: string;
  cloud: string;
  authRequired: boolean;
}): string {
  const p = escapeHtml(opts.project);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>sagezero · ${p}</title>
<link rel="stylesheet" href="/assets/uPlot.min.css">
<link rel="stylesheet" href="/assets/dashboard.css">
</head>
<body data-auth-required="${opts.authRequired ? 'true' : 'false'}">
<header>
  <h1>sagezero</h1>
  <span class="project">${p}</span>
  <span class="where">${escapeHtml(opts.region)} · ${escapeHtml(opts.cloud)}</span>
  <label class="window">Window
    <select id="window">
      <option value="1d">24 hours</option>
      <option value="7d" selected>7 days</option>
      <option value="30d">30 days</option>
      <option value="90d">90 days</option>
    </select>
  </label>
</header>
<main>
  <form id="auth" hidden>
    <label>API token <input id="token" type="password" autocomplete="off"></label>
    <button type="submit">Load</button>
    <span class="hint">This server requires a bearer token for /api.</span>
  </form>
  <p id="status" role="status">Loading…</p>
  <section class="cards" id="cards"></section>
  <section><h2>Instances over time</h2><p class="note">Peak billed instances per bucket (booting and draining ones included).</p><div class="chart" id="chart-instances"></div></section>
  <section><h2>Cumulative spend vs always-on</h2><p class="note">Always-on counts each endpoint only while it existed: from its creation (or sagezero's first record of it) to its deletion.</p><div class="chart" id="chart-spend"></div></section>
  <section><h2>Cold starts: time to first result</h2><p class="note">Cold probes (measured) and other wakes (estimated from the oldest request's age).</p><div class="chart" id="chart-coldstarts"></div></section>
  <section><h2>Endpoints</h2>
    <div class="table-wrap"><table id="endpoints">
      <thead><tr>
        <th>Endpoint</th><th>Status</th><th>Instances</th><th>Type</th><th>Price $/h</th><th>Instance-h</th><th>GPU-h</th>
        <th>Spend</th><th>Always-on</th><th>Savings</th><th>Cold starts</th><th>p50 / p95</th><th>Probe spend</th><th>Last probe</th>
      </tr></thead>
      <tbody></tbody>
    </table></div>
  </section>
  <ul id="warnings"></ul>
</main>
<script src="/assets/uPlot.iife.min.js"></script>
<script src="/assets/dashboard.js"></script>
</body>
</html>
`;
}
