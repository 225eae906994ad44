// sagezero dashboard: fetches /api/v1/report and /api/v1/endpoints and draws them with uPlot.
// Every piece of text from the API goes into the page through textContent, never innerHTML.
/* global uPlot */
(function () {
  'use strict';

  var STEP_FOR = { '1d': '15m', '7d': '1h', '30d': '1d', '90d': '1d' };
  var COLORS = ['#2f6fde', '#e8590c', '#2b8a3e', '#ae3ec9', '#c92a2a', '#1098ad', '#5c940d', '#d6336c'];
  var state = { charts: [], ready: false, error: null };
  window.__sagezero = state;

  var $ = function (id) {
    return document.getElementById(id);
  };
  var windowSelect = $('window');
  var authForm = $('auth');
  var statusEl = $('status');

  function token() {
    try {
      return sessionStorage.getItem('sagezero-token') || '';
    } catch (e) {
      return '';
    }
  }

  function api(path) {
    var headers = { Accept: 'application/json' };
    var t = token();
    if (t) headers.Authorization = 'Bearer ' + t;
    return fetch(path, { headers: headers }).then(function (res) {
      if (res.status === 401) {
        authForm.hidden = false;
        throw new Error('This server needs an API token.');
      }
      return res.json().then(function (body) {
        if (!res.ok) throw new Error((body && body.error && body.error.message) || 'HTTP ' + res.status);
        return body;
      });
    });
  }

  function usd(v) {
    if (v === null || v === undefined) return '—';
    var abs = Math.abs(v);
    return (v < 0 ? '−$' : '$') + abs.toLocaleString(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  }
  function num(v, digits) {
    if (v === null || v === undefined) return '—';
    return v.toLocaleString(undefined, { maximumFractionDigits: digits === undefined ? 1 : digits });
  }
  function secs(v) {
    if (v === null || v === undefined) return '—';
    return v >= 120 ? num(v / 60, 1) + ' min' : num(v, 0) + ' s';
  }
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }

  function renderCards(r) {
    var t = r.total;
    var cards = $('cards');
    cards.replaceChildren();
    var ttfr = t.coldStarts.timeToFirstResultSeconds;
    var items = [
      ['Spend', usd(t.spendUsd), ''],
      ['Always-on', usd(t.baseline.spendUsd), ''],
      [
        'Saved',
        usd(t.savingsUsd) + (t.savingsPercent === null ? '' : ' (' + num(t.savingsPercent, 1) + '%)'),
        t.savingsUsd === null ? '' : t.savingsUsd >= 0 ? 'good' : 'bad',
      ],
      ['GPU-hours', num(t.gpuHours, 1), ''],
      ['Cold starts', String(t.coldStarts.count), ''],
      ['Time to first result p50 / p95', ttfr ? secs(ttfr.p50) + ' / ' + secs(ttfr.p95) : '—', ''],
      ['Probe spend', usd(t.probes.spendUsd), ''],
    ];
    items.forEach(function (it) {
      var c = el('div', null, 'card');
      c.appendChild(el('div', it[0], 'label'));
      c.appendChild(el('div', it[1], 'value ' + it[2]));
      if (it[0] === 'Always-on') {
        var since = baselineCaption(r);
        if (since) c.appendChild(el('div', since, 'sub'));
      }
      cards.appendChild(c);
    });
  }

  function when(isoTime) {
    return new Date(isoTime).toLocaleString();
  }

  // Which time an endpoint's always-on baseline covers: its life (creation or first record, to its
  // deletion), said only where it differs from the whole window. docs/COST-METHOD.md.
  function lifeCaption(e, win) {
    var life = e.life;
    if (!life) return 'no history: 0';
    var parts = [];
    if (Date.parse(life.start) > Date.parse(win.start)) {
      parts.push('since ' + when(life.start) + ' (' + (life.startSource === 'created' ? 'created' : 'first record') + ')');
    }
    if (life.end !== null && Date.parse(life.end) < Date.parse(win.end)) {
      parts.push('until ' + when(life.end) + ' (deleted)');
    }
    return parts.join(' ');
  }

  // The Always-on card: one endpoint's life, or that the endpoints are counted over their own lives.
  function baselineCaption(r) {
    var eps = r.endpoints || [];
    var captions = eps.map(function (e) {
      return lifeCaption(e, r.window);
    });
    if (eps.length === 1) return captions[0];
    if (captions.some(Boolean)) return "over each endpoint's life (see the table)";
    return '';
  }

  function width(node) {
    return Math.max(320, node.clientWidth || 800);
  }

  function chart(id, opts, data) {
    var node = $(id);
    node.replaceChildren();
    opts.width = width(node);
    opts.height = 260;
    var u = new uPlot(opts, data, node);
    state.charts.push({ id: id, series: opts.series.length - 1, points: data[0].length, plot: u });
    return u;
  }

  function times(series) {
    return series.map(function (p) {
      return Date.parse(p.start) / 1000;
    });
  }

  function renderCharts(r) {
    state.charts.forEach(function (c) {
      c.plot.destroy();
    });
    state.charts = [];
    var stepped = uPlot.paths && uPlot.paths.stepped ? uPlot.paths.stepped({ align: 1 }) : undefined;

    // Instances over time, one stepped series per endpoint.
    var xs = times(r.total.series || []);
    var inst = [xs];
    var instSeries = [{}];
    r.endpoints.forEach(function (e, i) {
      inst.push(
        (e.series || []).map(function (p) {
          return p.maxInstances;
        }),
      );
      instSeries.push({ label: e.name, stroke: COLORS[i % COLORS.length], width: 2, paths: stepped });
    });
    chart('chart-instances', { series: instSeries, scales: { y: { range: [0, null] } }, axes: [{}, { label: 'instances' }] }, inst);

    // Cumulative spend against the always-on baseline.
    var tot = r.total.series || [];
    chart(
      'chart-spend',
      {
        series: [
          {},
          { label: 'spend', stroke: '#2f6fde', width: 2, fill: 'rgba(47,111,222,0.08)', value: function (u, v) { return usd(v); } },
          { label: 'always-on', stroke: '#868e96', width: 2, dash: [6, 4], value: function (u, v) { return usd(v); } },
        ],
        axes: [{}, { label: 'USD', size: 70 }],
      },
      [
        xs,
        tot.map(function (p) {
          return p.cumulativeSpendUsd;
        }),
        tot.map(function (p) {
          return p.cumulativeBaselineUsd;
        }),
      ],
    );

    // Cold-start distribution as bars over fixed buckets.
    var hist = r.total.coldStarts.histogram;
    var labels = hist.map(function (b, i) {
      var lo = i === 0 ? 0 : hist[i - 1].upToSeconds;
      return b.upToSeconds === null ? '> ' + secs(lo) : '≤ ' + secs(b.upToSeconds);
    });
    var bars = uPlot.paths && uPlot.paths.bars ? uPlot.paths.bars({ size: [0.7, 80] }) : undefined;
    chart(
      'chart-coldstarts',
      {
        scales: { x: { time: false, range: [-0.5, hist.length - 0.5] }, y: { range: [0, null] } },
        series: [
          { label: 'bucket', value: function (u, v) { return v === null ? '' : labels[v]; } },
          { label: 'cold starts', stroke: '#e8590c', fill: 'rgba(232,89,12,0.45)', width: 1, paths: bars, points: { show: false } },
        ],
        axes: [
          {
            splits: function () {
              return hist.map(function (_, i) {
                return i;
              });
            },
            values: function (u, splits) {
              return splits.map(function (i) {
                return labels[i] || '';
              });
            },
            size: 40,
          },
          { label: 'count' },
        ],
      },
      [
        hist.map(function (_, i) {
          return i;
        }),
        hist.map(function (b) {
          return b.count;
        }),
      ],
    );
  }

  function renderTable(r, eps) {
    var byName = {};
    (eps.endpoints || []).concat(eps.realtimeEndpoints || []).forEach(function (e) {
      byName[e.name] = e;
    });
    var tbody = document.querySelector('#endpoints tbody');
    tbody.replaceChildren();
    r.endpoints.forEach(function (e) {
      var st = byName[e.name] || {};
      var tr = document.createElement('tr');
      var ttfr = e.coldStarts.timeToFirstResultSeconds;
      var probe = st.lastProbe;
      var cells = [
        [e.name, 'text'],
        [st.status || '—', 'text'],
        [st.instances === null || st.instances === undefined ? '—' : String(st.instances)],
        [e.instanceType, 'text'],
        [e.price.usdPerHour === null ? '—' : '$' + e.price.usdPerHour + ' (' + e.price.source + ')'],
        [num(e.instanceHours, 2)],
        [num(e.gpuHours, 2)],
        [usd(e.spendUsd)],
        [usd(e.baseline.spendUsd), 'baseline'],
        [usd(e.savingsUsd) + (e.savingsPercent === null ? '' : ' (' + num(e.savingsPercent, 1) + '%)')],
        [String(e.coldStarts.count)],
        [ttfr ? secs(ttfr.p50) + ' / ' + secs(ttfr.p95) : '—'],
        [usd(e.probes.spendUsd)],
        [probe ? probe.outcome + (probe.cold ? ' (cold)' : '') + ' ' + new Date(probe.startedAt).toLocaleString() : '—', 'text'],
      ];
      cells.forEach(function (c) {
        tr.appendChild(el('td', c[0], c[1]));
      });
      tr.children[4].title = e.price.detail;
      var life = lifeCaption(e, r.window);
      if (life) tr.children[8].appendChild(el('div', life, 'sub'));
      if (e.realtime) {
        tr.children[0].appendChild(el('div', 'realtime · ' + e.realtime.components.length + ' components', 'sub'));
        tr.children[8].appendChild(el('div', e.realtime.baselineBasis, 'sub'));
      }
      tbody.appendChild(tr);
      var problem = (probe && probe.errorMessage) || st.failureReason;
      if (problem) {
        var row = document.createElement('tr');
        var td = el('td', problem, 'err');
        td.colSpan = 14;
        row.appendChild(td);
        tbody.appendChild(row);
      }
    });
    var ul = $('warnings');
    ul.replaceChildren();
    (r.warnings || []).forEach(function (w) {
      ul.appendChild(el('li', w));
    });
    renderCalibration(r);
    renderBilling(r);
    renderComponents(r, eps);
  }

  // Realtime endpoints' inference components: each one's share of its endpoint's instance-hours and
  // spend (the endpoint's row is the bill), copy wakes and probed cold starts.
  function renderComponents(r, eps) {
    var sec = $('components');
    var rts = r.endpoints.filter(function (e) {
      return e.realtime;
    });
    if (rts.length === 0) {
      if (sec) sec.remove();
      return;
    }
    if (!sec) {
      sec = document.createElement('section');
      sec.id = 'components';
      $('warnings').before(sec);
    }
    var views = {};
    (eps.realtimeEndpoints || []).forEach(function (v) {
      views[v.name] = v;
    });
    sec.replaceChildren(el('h2', 'Inference components'));
    sec.appendChild(
      el(
        'p',
        "Shares of their endpoint's instance-hours and spend, by the accelerators (or memory) their copies held; " +
          'instances idle after the last copy left count for the components that held them. Shares and unattributed time add up to the endpoint.',
        'note',
      ),
    );
    var table = document.createElement('table');
    var head = document.createElement('tr');
    ['Component', 'Copies', 'Instance-h share', 'Spend share', 'Copy wakes', 'p50 / p95', 'Failed calls per wake', 'Last probe'].forEach(
      function (h) {
        head.appendChild(el('th', h));
      },
    );
    table.appendChild(head);
    rts.forEach(function (e) {
      var view = views[e.name] || { components: [] };
      e.realtime.components.forEach(function (c) {
        var v =
          view.components.filter(function (x) {
            return x.name === c.name;
          })[0] || {};
        var t = c.coldStarts.timeToFirstResultSeconds;
        var probe = v.lastProbe;
        var tr = document.createElement('tr');
        [
          e.name + ' / ' + c.name,
          v.copies === null || v.copies === undefined ? '—' : String(v.copies),
          num(c.instanceHoursShare, 2),
          usd(c.spendShareUsd),
          String(c.coldStarts.count),
          t ? secs(t.p50) + ' / ' + secs(t.p95) : '—',
          c.coldStarts.failedInvocationsPerWake === null ? '—' : num(c.coldStarts.failedInvocationsPerWake, 1),
          probe ? probe.outcome + (probe.cold ? ' (cold)' : '') + ' ' + new Date(probe.startedAt).toLocaleString() : '—',
        ].forEach(function (val, i) {
          tr.appendChild(el('td', val, i === 0 || i === 7 ? 'text' : undefined));
        });
        table.appendChild(tr);
      });
      if (e.realtime.unattributedInstanceHours > 0) {
        var tr = document.createElement('tr');
        [e.name + ' (unattributed)', '', num(e.realtime.unattributedInstanceHours, 2), usd(e.realtime.unattributedSpendUsd), '', '', '', ''].forEach(
          function (val, i) {
            tr.appendChild(el('td', val, i === 0 ? 'text' : undefined));
          },
        );
        table.appendChild(tr);
      }
    });
    sec.appendChild(table);
  }

  // Estimate against the bill (pricing.billing: cost-explorer), per day and endpoint; created before
  // the warnings when the report has the section.
  function renderBilling(r) {
    var sec = $('billing');
    var b = r.billing;
    if (!b) {
      if (sec) sec.remove();
      return;
    }
    if (!sec) {
      sec = document.createElement('section');
      sec.id = 'billing';
      $('warnings').before(sec);
    }
    sec.replaceChildren(el('h2', 'Estimate vs bill'));
    sec.appendChild(
      el('p', (b.source === 'sim' ? 'The simulated region\'s own bill. ' : 'Cost Explorer, ') + b.requests + ' GetCostAndUsage requests so far; ' + b.finalRule + '.', 'note'),
    );
    var table = document.createElement('table');
    var head = document.createElement('tr');
    ['Day', 'Endpoint', 'Estimated', 'Billed', 'Difference', 'Billing data', 'Matched by'].forEach(function (h) {
      head.appendChild(el('th', h));
    });
    table.appendChild(head);
    b.days.forEach(function (d) {
      var tr = document.createElement('tr');
      [
        d.day,
        d.endpoint,
        usd(d.estimatedUsd),
        usd(d.billedUsd),
        d.differenceUsd === null ? '—' : usd(d.differenceUsd) + (d.differencePercent === null ? '' : ' (' + num(d.differencePercent, 1) + '%)'),
        d.billedUsd === null ? 'not fetched' : d.final ? 'final' : 'provisional',
        d.attribution,
      ].forEach(function (v) {
        tr.appendChild(el('td', v));
      });
      table.appendChild(tr);
    });
    b.unattributed.forEach(function (u) {
      var tr = document.createElement('tr');
      [u.day, '(unattributed)', '—', usd(u.costUsd), '—', '', u.usageTypes.join(' ')].forEach(function (v) {
        tr.appendChild(el('td', v));
      });
      table.appendChild(tr);
    });
    var wrap = document.createElement('div');
    wrap.className = 'table-wrap';
    wrap.appendChild(table);
    sec.appendChild(wrap);
  }

  // Calibration (sagezero calibrate): simulated against observed instance-hours per endpoint, from
  // the newest stored fit. The section is created here, before the warnings, when there is one.
  function renderCalibration(r) {
    var sec = $('calibration');
    var rows = r.calibration || [];
    if (rows.length === 0) {
      if (sec) sec.remove();
      return;
    }
    if (!sec) {
      sec = document.createElement('section');
      sec.id = 'calibration';
      $('warnings').before(sec);
    }
    sec.replaceChildren(el('h2', 'Calibration: simulated vs observed'));
    var table = document.createElement('table');
    var head = document.createElement('tr');
    ['Endpoint', 'Window', 'Simulated inst-h', 'Observed inst-h', 'Difference', 'Boot (median)', 'Alarm delay', 'Verdict'].forEach(
      function (h) {
        head.appendChild(el('th', h));
      },
    );
    table.appendChild(head);
    rows.forEach(function (c) {
      var tr = document.createElement('tr');
      [
        c.endpoint,
        c.window.start.slice(0, 16) + 'Z – ' + c.window.end.slice(0, 16) + 'Z',
        num(c.predictedInstanceHours, 2),
        num(c.observedInstanceHours, 2),
        c.differencePercent === null ? '—' : (c.differencePercent >= 0 ? '+' : '') + num(c.differencePercent, 1) + '%',
        secs(c.bootMedianSeconds),
        secs(c.alarmDelaySeconds),
        c.agrees ? 'agrees' : 'disagrees: tune will not apply',
      ].forEach(function (v, i) {
        tr.appendChild(el('td', v, i === 7 && !c.agrees ? 'err' : undefined));
      });
      table.appendChild(tr);
    });
    sec.appendChild(table);
  }

  function load() {
    var since = windowSelect.value;
    var step = STEP_FOR[since] || '1h';
    statusEl.className = '';
    statusEl.textContent = 'Loading…';
    state.ready = false;
    return Promise.all([
      // A large fleet's series at the preferred step can exceed the server's point limit (a 400):
      // then the server picks the finest step that fits.
      api('/api/v1/report?since=' + encodeURIComponent(since) + '&step=' + encodeURIComponent(step)).catch(function (e) {
        if (!/step/.test(String(e && e.message))) throw e;
        return api('/api/v1/report?since=' + encodeURIComponent(since) + '&step=auto');
      }),
      api('/api/v1/endpoints'),
    ])
      .then(function (res) {
        var r = res[0];
        renderCards(r);
        renderCharts(r);
        renderTable(r, res[1]);
        statusEl.textContent =
          'Window ' + new Date(r.window.start).toLocaleString() + ' – ' + new Date(r.window.end).toLocaleString() +
          (res[1].lastPollAt ? ' · last poll ' + new Date(res[1].lastPollAt).toLocaleString() : ' · no poll yet');
        state.ready = true;
        state.error = null;
      })
      .catch(function (err) {
        statusEl.className = 'error';
        statusEl.textContent = err.message;
        state.error = err.message;
      });
  }

  authForm.addEventListener('submit', function (ev) {
    ev.preventDefault();
    try {
      sessionStorage.setItem('sagezero-token', $('token').value);
    } catch (e) {
      /* private mode: the token lives for this page only */
    }
    authForm.hidden = true;
    load();
  });
  windowSelect.addEventListener('change', load);
  window.addEventListener('resize', function () {
    state.charts.forEach(function (c) {
      var node = $(c.id);
      c.plot.setSize({ width: width(node), height: 260 });
    });
  });
  load();
  setInterval(load, 60000);
})();
