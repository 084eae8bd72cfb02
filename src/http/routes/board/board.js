// The booth's big-screen queue board: one queueChanged subscription through graphql-ws's browser
// build (served by this server, no external assets), team and top scores over HTTP.
'use strict';
/* global graphqlWs */

const params = new URLSearchParams(location.search);
const showId = params.get('show');
const recallMinutes = Number(document.body.dataset.recallMinutes) || 20;
const timeZone = document.body.dataset.timeZone || 'UTC';
// Rows rendered before fitting; the ones that do not fit the screen are counted in "+ N more".
const WAITING_MAX = 40;
const TOP_SCORES = 5;

const QUEUE = `subscription Board($s: ID) {
  queueChanged(showId: $s) {
    version
    show { id name date }
    playing { ...G }
    confirmed { ...G }
    recalled { ...G }
    waiting { position estimatedWaitSeconds game { ...G } }
  }
}
fragment G on Game { id state recalledAt player { firstName lastName team { name color } } }`;
const SCORES = `query BoardScores($d: Date, $s: ID) {
  teams { id name color scores { day score distance homeruns games } }
  leaderboard(date: $d, showId: $s, limit: ${TOP_SCORES}) { rank score homeruns player { firstName lastName } }
}`;

const $ = (id) => document.getElementById(id);
let latest = null;

// ---- the live queue through graphql-ws's browser build ---------------------------------------
function live(onData, onState) {
  let attempt = 0;
  const client = graphqlWs.createClient({
    url: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`,
    lazy: false,
    keepAlive: 10_000,
    // A board never gives up: back off up to ten seconds, with jitter so a restarted server is not
    // hit by every screen at once.
    retryAttempts: Infinity,
    shouldRetry: () => true,
    retryWait: async (retries) => {
      const wait = Math.min(10_000, 300 * 2 ** Math.min(retries, 6)) * (0.7 + Math.random() * 0.6);
      await new Promise((resolve) => setTimeout(resolve, wait));
    },
    on: {
      connecting: () => onState(attempt++ === 0 ? 'connecting' : 'reconnecting'),
      closed: () => onState('reconnecting'),
    },
  });
  const follow = () =>
    client.subscribe(
      { query: QUEUE, variables: showId ? { s: showId } : {} },
      {
        next: (msg) => {
          attempt = 1;
          onState('live');
          if (msg.data) onData(msg.data.queueChanged);
          else if (msg.errors) onState('error', msg.errors.map((e) => e.message).join('; '));
        },
        error: (errors) => {
          // Refused for now (its address spent its budget, e.g. many screens behind one router after
          // a restart): subscribe again once the server says it may, rather than stay blank.
          const limited =
            Array.isArray(errors) && errors.find((e) => e.extensions && e.extensions.code === 'RATE_LIMITED');
          if (limited) {
            onState('reconnecting');
            const seconds = Number(limited.extensions.retryAfterSeconds) || 5;
            setTimeout(follow, seconds * 1000 * (1 + Math.random() * 0.5));
            return;
          }
          onState('error', Array.isArray(errors) ? errors.map((e) => e.message).join('; ') : 'Connection refused');
        },
        complete: () => {},
      },
    );
  follow();
}

// ---- rendering ---------------------------------------------------------------------------------
function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** First name and last initial only: the board is public. */
function displayName(player) {
  if (!player) return 'Player';
  const initial = player.lastName ? ` ${player.lastName.trim().charAt(0).toUpperCase()}.` : '';
  return `${player.firstName}${initial}`;
}

function teamChip(team) {
  const chip = el('span', 'chip', team ? team.name : '');
  if (team) chip.style.setProperty('--team', team.color);
  else chip.classList.add('none');
  return chip;
}

function card(game, extra) {
  const li = el('li', 'card');
  li.dataset.gameId = game.id;
  li.append(el('span', 'name', displayName(game.player)), teamChip(game.player && game.player.team));
  if (extra) li.append(extra);
  return li;
}

function minutesLeft(game) {
  if (!game.recalledAt) return null;
  const left = new Date(game.recalledAt).getTime() + recallMinutes * 60_000 - Date.now();
  return Math.max(0, Math.ceil(left / 60_000));
}

function waitText(seconds) {
  if (seconds === null || seconds === undefined) return '';
  if (seconds < 60) return 'any moment';
  return `~${Math.round(seconds / 60)} min`;
}

const shown = new Map(); // list id → game ids it showed, so only newcomers animate
let failed = false;

function fill(id, items) {
  const list = $(id);
  const before = shown.get(id) || new Set();
  for (const item of items) if (item.dataset.gameId && !before.has(item.dataset.gameId)) item.classList.add('fresh');
  shown.set(id, new Set(items.map((i) => i.dataset.gameId).filter(Boolean)));
  list.replaceChildren(...items);
  const empty = document.querySelector(`.empty[data-for="${id}"]`);
  if (empty) empty.hidden = items.length > 0;
}

function render(q) {
  latest = q;
  $('show-name').textContent = q.show.name;
  document.title = `${q.show.name} — queue board`;
  fill(
    'playing',
    q.playing.map((g) => card(g)),
  );
  fill(
    'confirmed',
    q.confirmed.map((g) => card(g)),
  );
  fill(
    'recalled',
    q.recalled.map((g) => {
      const left = minutesLeft(g);
      return card(
        g,
        el('span', `left${left !== null && left <= 3 ? ' urgent' : ''}`, left === null ? '' : `${left} min left`),
      );
    }),
  );
  fill(
    'waiting',
    q.waiting.slice(0, WAITING_MAX).map((w) => {
      const li = card(w.game, el('span', 'eta', waitText(w.estimatedWaitSeconds)));
      li.prepend(el('span', 'pos', String(w.position)));
      return li;
    }),
  );
  $('waiting-count').textContent = String(q.waiting.length);
  fitWaiting(q.waiting.length);
  document.body.dataset.version = String(q.version);
}

/** Drops waiting rows from the end until the panel shows everything it holds, "+ N more" included. */
function fitWaiting(total) {
  const list = $('waiting');
  const more = $('waiting-more');
  const panel = list.closest('.panel');
  const count = () => {
    const hidden = total - list.children.length;
    more.hidden = hidden <= 0;
    more.textContent = hidden > 0 ? `+ ${hidden} more in line` : '';
  };
  count();
  while (list.children.length > 0 && panel.scrollHeight > panel.clientHeight + 1) {
    list.lastElementChild.remove();
    count();
  }
}

function today() {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    new Date(),
  );
}

async function refreshTeams() {
  if (failed) return;
  try {
    const day = today();
    const res = await fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: SCORES, variables: { d: day, s: showId } }),
    });
    const body = await res.json();
    const rows = (body.data && body.data.teams ? body.data.teams : [])
      .map((t) => ({ team: t, s: t.scores.find((s) => s.day === day) }))
      .filter((r) => r.s)
      .sort((a, b) => b.s.score - a.s.score);
    fill(
      'teams',
      rows.map(({ team, s }, i) => {
        const li = el('li', 'score');
        li.style.setProperty('--team', team.color);
        li.append(
          el('span', 'rank', String(i + 1)),
          el('span', 'team', team.name),
          el('span', 'pts', s.score.toLocaleString('en-US')),
          el('span', 'sub', `${s.homeruns} HR · ${s.games} ${s.games === 1 ? 'game' : 'games'}`),
        );
        return li;
      }),
    );
    fill(
      'top',
      (body.data && body.data.leaderboard ? body.data.leaderboard : []).map((entry) => {
        const li = el('li', 'leader');
        li.append(
          el('span', 'rank', String(entry.rank)),
          el('span', 'name', displayName(entry.player)),
          el('span', 'pts', entry.score.toLocaleString('en-US')),
        );
        return li;
      }),
    );
  } catch {
    // The next queue change tries again.
  }
}

let teamsTimer = null;
function teamsSoon() {
  clearTimeout(teamsTimer);
  teamsTimer = setTimeout(refreshTeams, 300);
}

function setState(state, detail) {
  const conn = $('conn');
  conn.className = `conn ${state}`;
  conn.textContent =
    { connecting: 'Connecting…', reconnecting: 'Reconnecting…', live: 'Live', error: 'Error' }[state] || state;
  if (detail) conn.title = detail;
  $('offline').hidden = state !== 'reconnecting';
  document.body.classList.toggle('stale', state === 'reconnecting');
  if (state === 'error') {
    // An unknown show: say only that, not an empty board that looks open for business.
    failed = true;
    document.body.classList.add('failed');
    $('show-name').textContent = 'Queue board';
    $('problem').textContent = detail || 'Unknown show';
    $('problem').hidden = false;
  }
}

function tick() {
  $('clock').textContent = new Intl.DateTimeFormat('en-US', { timeZone, hour: 'numeric', minute: '2-digit' }).format(
    new Date(),
  );
  if (latest) render(latest); // recall minutes count down between changes
}

addEventListener('resize', () => latest && render(latest));

live((q) => {
  render(q);
  teamsSoon();
}, setState);
refreshTeams();
tick();
setInterval(tick, 15_000);
