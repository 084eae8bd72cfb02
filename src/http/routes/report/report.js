// The printable show report: signs in with the same token as GraphiQL (kept in sessionStorage for
// this tab), reads showReport over GraphQL and draws two inline SVG charts. Nothing from elsewhere.
(() => {
  'use strict';
  const KEY = 'mlb-staff-token';
  const SVG = 'http://www.w3.org/2000/svg';
  const $ = (id) => document.getElementById(id);
  const showId = new URLSearchParams(location.search).get('show');

  const QUERY = `query Report($id: ID!) { showReport(showId: $id) {
    show { id name date }
    playersSignedUp gamesCompleted gamesCancelled noShows
    cancelledFrom { state count }
    gamesPerHour { hour completed }
    waitOverDay { hour games medianWaitSeconds }
    waitSeconds { count median p90 max }
    playSeconds { count median }
    recallToConfirmSeconds { count median }
    sms { total sent delivered failed optedOut skipped queued }
    souvenirLinksOpened souvenirLinkVisits souvenirSaves souvenirShares generatedAt
  } }`;

  async function gql(query, variables, token) {
    const res = await fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return res.json();
  }

  function showError(text) {
    $('error').textContent = text;
    $('error').hidden = !text;
  }

  function signInForm() {
    $('signin').hidden = false;
    $('report').hidden = true;
  }

  const minutes = (s) =>
    s === null || s === undefined ? '—' : `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;

  function figure(label, value) {
    const box = document.createElement('div');
    const dt = document.createElement('dt');
    const dd = document.createElement('dd');
    dt.textContent = label;
    dd.textContent = String(value);
    box.append(dt, dd);
    return box;
  }

  function el(name, attrs = {}, text) {
    const node = document.createElementNS(SVG, name);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
    if (text !== undefined) node.textContent = String(text);
    return node;
  }

  // A chart of one value per hour: bars or a line, with the hour under each and the value above.
  function chart(points, kind, label) {
    const W = 1000;
    const H = 280;
    const pad = { left: 40, right: 20, top: 28, bottom: 36 };
    const svg = el('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': label });
    if (points.length === 0) {
      svg.append(el('text', { x: W / 2, y: H / 2, 'text-anchor': 'middle' }, 'Nothing recorded yet'));
      return svg;
    }
    const max = Math.max(1, ...points.map((p) => p.value ?? 0));
    const step = (W - pad.left - pad.right) / points.length;
    const y = (v) => H - pad.bottom - ((H - pad.top - pad.bottom) * v) / max;
    svg.append(el('line', { class: 'axis', x1: pad.left, x2: W - pad.right, y1: y(0), y2: y(0) }));
    const path = [];
    points.forEach((p, i) => {
      const cx = pad.left + step * i + step / 2;
      svg.append(el('text', { x: cx, y: H - 12, 'text-anchor': 'middle' }, p.hour));
      if (p.value === null) return;
      if (kind === 'bars') {
        const w = Math.max(4, step * 0.6);
        svg.append(el('rect', { class: 'bar', x: cx - w / 2, y: y(p.value), width: w, height: y(0) - y(p.value) }));
      } else {
        path.push(`${path.length ? 'L' : 'M'}${cx},${y(p.value)}`);
        svg.append(el('circle', { class: 'dot', cx, cy: y(p.value), r: 5 }));
      }
      svg.append(el('text', { class: 'value', x: cx, y: y(p.value) - 8, 'text-anchor': 'middle' }, p.value));
    });
    if (path.length) svg.insertBefore(el('path', { class: 'line', d: path.join(' ') }), svg.firstChild.nextSibling);
    return svg;
  }

  function render(r) {
    $('title').textContent = `${r.show.name} — report`;
    $('subtitle').textContent = `Show of ${r.show.date}`;
    document.title = `${r.show.name} ${r.show.date} — report`;
    const cancelled = r.cancelledFrom.map((c) => `${c.count} from ${c.state}`).join(', ');
    const figures = [
      ['Players signed up', r.playersSignedUp],
      ['Games completed', r.gamesCompleted],
      ['Games cancelled', r.gamesCancelled + (cancelled ? ` (${cancelled})` : '')],
      ['No-shows (recalled, never came)', r.noShows],
      ['Wait, queued to playing: median', minutes(r.waitSeconds.median)],
      ['Wait: 90th percentile', minutes(r.waitSeconds.p90)],
      ['Wait: longest', minutes(r.waitSeconds.max)],
      ['Play time: median', minutes(r.playSeconds.median)],
      ['Recall to confirm: median', minutes(r.recallToConfirmSeconds.median)],
      ['Texts sent', `${r.sms.sent} of ${r.sms.total}`],
      ['Texts delivered', r.sms.delivered],
      ['Texts failed', r.sms.failed],
      ['Opted out (STOP)', r.sms.optedOut],
      ['Souvenir links opened', `${r.souvenirLinksOpened} (${r.souvenirLinkVisits} visits)`],
      ['Souvenirs saved / shared', `${r.souvenirSaves} / ${r.souvenirShares}`],
    ];
    $('figures').replaceChildren(...figures.map(([l, v]) => figure(l, v)));
    $('chart-games').replaceChildren(
      chart(
        r.gamesPerHour.map((h) => ({ hour: h.hour, value: h.completed })),
        'bars',
        'Games completed per hour',
      ),
    );
    $('chart-wait').replaceChildren(
      chart(
        r.waitOverDay.map((h) => ({
          hour: h.hour,
          value: h.medianWaitSeconds === null ? null : Math.round(h.medianWaitSeconds / 6) / 10,
        })),
        'line',
        'Median wait per hour in minutes',
      ),
    );
    $('generated').textContent = `Computed from the recorded history at ${new Date(r.generatedAt).toLocaleString()}.`;
    $('signin').hidden = true;
    $('report').hidden = false;
    document.body.dataset.ready = 'true';
  }

  async function load() {
    if (!showId) return showError('Add ?show=<id> to the address: which show to report on.');
    const token = sessionStorage.getItem(KEY);
    if (!token) return signInForm();
    const body = await gql(QUERY, { id: showId }, token);
    const error = body.errors && body.errors[0];
    if (error) {
      if (error.extensions && error.extensions.code === 'UNAUTHENTICATED') {
        sessionStorage.removeItem(KEY);
        showError('Please sign in again.');
        return signInForm();
      }
      return showError(error.message);
    }
    showError('');
    render(body.data.showReport);
  }

  $('signin').addEventListener('submit', async (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    const body = await gql(
      'mutation SignIn($u: String!, $p: String!) { login(username: $u, password: $p) { token } }',
      { u: form.get('username'), p: form.get('password') },
    );
    if (body.errors) return showError(body.errors[0].message);
    sessionStorage.setItem(KEY, body.data.login.token);
    await load();
  });
  $('print').addEventListener('click', () => window.print());
  $('signout').addEventListener('click', () => {
    sessionStorage.removeItem(KEY);
    signInForm();
  });
  $('csv').addEventListener('click', async () => {
    const res = await fetch(`/staff/report.csv?show=${encodeURIComponent(showId)}`, {
      headers: { authorization: `Bearer ${sessionStorage.getItem(KEY) || ''}` },
    });
    if (!res.ok) return showError(`CSV: HTTP ${res.status}`);
    const link = document.createElement('a');
    link.href = URL.createObjectURL(await res.blob());
    link.download = `report-show-${showId}.csv`;
    link.click();
    URL.revokeObjectURL(link.href);
  });
  load().catch((err) => showError(String(err)));
})();
