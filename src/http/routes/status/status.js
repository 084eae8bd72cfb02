// The player's status page: one playerStatusChanged subscription over graphql-transport-ws for the
// token in the address (a small hand-written client, as the board's), and leaving the line.
'use strict';

const token = decodeURIComponent(location.pathname.split('/').pop() || '');
const FIELDS = 'firstName showName state position estimatedWaitSeconds recalledAt respondBy cancelReason';
const SUBSCRIPTION = `subscription Status($t: String!) { playerStatusChanged(token: $t) { ${FIELDS} } }`;
const LEAVE = `mutation Leave($t: String!) { leaveQueue(token: $t) { ${FIELDS} } }`;
const CAN_LEAVE = ['NEW', 'QUEUED', 'RECALLED', 'CONFIRMED'];

const $ = (id) => document.getElementById(id);
let latest = null;

function live(onData, onState) {
  let attempt = 0;
  const wsUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`;
  function connect() {
    onState(attempt === 0 ? 'connecting' : 'reconnecting');
    const socket = new WebSocket(wsUrl, 'graphql-transport-ws');
    socket.onopen = () => socket.send(JSON.stringify({ type: 'connection_init', payload: {} }));
    socket.onmessage = (event) => {
      const msg = JSON.parse(event.data);
      if (msg.type === 'connection_ack') {
        socket.send(
          JSON.stringify({
            id: 'status',
            type: 'subscribe',
            payload: { query: SUBSCRIPTION, variables: { t: token } },
          }),
        );
      } else if (msg.type === 'ping') {
        socket.send(JSON.stringify({ type: 'pong' }));
      } else if (msg.type === 'next') {
        attempt = 0;
        onState('live');
        if (msg.payload.data && msg.payload.data.playerStatusChanged) onData(msg.payload.data.playerStatusChanged);
      } else if (msg.type === 'error') {
        onState('error');
      }
    };
    socket.onclose = () => {
      attempt++;
      onState('reconnecting');
      const wait = Math.min(10_000, 300 * 2 ** Math.min(attempt, 6)) * (0.7 + Math.random() * 0.6);
      setTimeout(connect, wait);
    };
  }
  connect();
}

function minutesUntil(iso) {
  if (!iso) return null;
  return Math.max(0, Math.ceil((new Date(iso).getTime() - Date.now()) / 60_000));
}

function waitWords(seconds) {
  if (seconds === null || seconds === undefined || seconds < 60) return 'Any moment now';
  const minutes = Math.round(seconds / 60);
  return `About ${minutes} min${minutes === 1 ? '' : 's'} to wait`;
}

/** The state in words: headline, the big figure, and a line of detail. */
function describe(s) {
  switch (s.state) {
    case 'NEW':
      return ["You're signed up", s.position ? `#${s.position}` : '', 'Staff will put you in line in a moment.'];
    case 'QUEUED':
      return ["You're in line", s.position ? `#${s.position}` : '', waitWords(s.estimatedWaitSeconds)];
    case 'RECALLED': {
      const left = minutesUntil(s.respondBy);
      return [
        "You're up! Come to the batting cage now",
        left === null ? '' : `${left} min`,
        left === null ? '' : `left to get here, or your turn goes to the next player.`,
      ];
    }
    case 'CONFIRMED':
      return ["You're on deck", '', 'Get ready: you bat next.'];
    case 'PLAYING':
      return ["You're batting!", '', 'Enjoy your swing.'];
    case 'COMPLETED':
      return ['Thanks for playing!', '', 'Your souvenir is on its way by text.'];
    case 'CANCELLED':
      if (s.cancelReason === 'PLAYER_LEFT') return ["You've left the line", '', 'Thanks for coming by!'];
      if (s.cancelReason === 'NO_SHOW')
        return ['We missed you', '', 'Your turn went to the next player. Ask at the booth to sign up again.'];
      return ['Your game was cancelled', '', 'Ask at the booth if this is a surprise.'];
    default:
      return [s.state, '', ''];
  }
}

function render(s) {
  latest = s;
  document.body.className = `state-${s.state.toLowerCase()}`;
  $('show-name').textContent = s.showName;
  $('hello').textContent = `Hi ${s.firstName}!`;
  const [headline, big, detail] = describe(s);
  $('headline').textContent = headline;
  $('big').textContent = big;
  $('detail').textContent = detail;
  document.title = `${headline} — ${s.showName}`;
  $('leave-area').hidden = !CAN_LEAVE.includes(s.state);
  if ($('leave-area').hidden) $('confirm').hidden = true;
}

function setState(state) {
  $('conn').textContent =
    {
      connecting: 'Connecting…',
      reconnecting: 'Reconnecting…',
      live: 'Live: this page updates by itself',
      error: "We couldn't load your place. Ask at the booth.",
    }[state] || '';
  if (state === 'error' && !latest) $('hello').textContent = 'Sorry!';
}

async function leave() {
  $('confirm-yes').disabled = true;
  try {
    const res = await fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: LEAVE, variables: { t: token } }),
    });
    const body = await res.json();
    if (body.data && body.data.leaveQueue) render(body.data.leaveQueue);
    else $('conn').textContent = 'Could not leave the line just now; please try again.';
  } catch {
    $('conn').textContent = 'No connection; please try again.';
  } finally {
    $('confirm-yes').disabled = false;
  }
}

$('leave').addEventListener('click', () => {
  $('confirm').hidden = false;
});
$('confirm-no').addEventListener('click', () => {
  $('confirm').hidden = true;
});
$('confirm-yes').addEventListener('click', leave);

live(render, setState);
// The minutes left of a recall count down between changes.
setInterval(() => latest && render(latest), 15_000);
