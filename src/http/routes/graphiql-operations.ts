// The operations GraphiQL opens with: one tab each for the day's work at the booth, ready to run
// once signed in. Variables hold what staff fill in.
export interface BoothOperation {
  query: string;
  variables?: string;
}

const op = (query: string, variables?: Record<string, unknown>): BoothOperation => ({
  query: query.trim() + '\n',
  ...(variables ? { variables: JSON.stringify(variables, null, 2) } : {}),
});

export const BOOTH_OPERATIONS: readonly BoothOperation[] = [
  op(
    `
# Sign in. The token is kept for this browser tab's session only and sent with every
# operation below; nothing to paste. (To keep it across sessions, put it in the Headers tab
# yourself and turn on "Persist headers" in the settings.)
mutation SignIn($username: String!, $password: String!) {
  login(username: $username, password: $password) { token expiresAt account { username role } }
}`,
    { username: 'user', password: '' },
  ),
  op(`
# The queue of the current show, with phone numbers: who plays, who was recalled, who waits.
query Queue {
  queue {
    show { id name date }
    activeRecalls recallWindowSize
    playing { id player { firstName lastName mobileNumber } }
    confirmed { id player { firstName lastName mobileNumber } }
    recalled { id recalledAt recallCount player { firstName lastName mobileNumber } }
    waiting { position estimatedWaitSeconds game { id player { firstName lastName mobileNumber } } }
  }
}`),
  op(
    `
# Recall the next player: texts them to come back. Take the gameId of the first
# "waiting" entry of the Queue operation.
mutation RecallNext($gameId: ID!) {
  recallGame(id: $gameId) { id state recalledAt recallCount player { firstName mobileNumber } }
}`,
    { gameId: '' },
  ),
  op(
    `
# Find a player by (part of) their name; their latest game comes with them.
query FindPlayer($name: String!) {
  players(filter: { name: $name }, first: 20) {
    totalCount
    edges {
      node {
        id firstName lastName mobileNumber email
        activeGame { id state score queuePosition souvenirUrl }
      }
    }
  }
}`,
    { name: '' },
  ),
  op(
    `
# Cancel a game (a player who left, a rig that crashed mid-game); the next player is recalled.
mutation Cancel($gameId: ID!) {
  cancelGame(id: $gameId) { id state cancelledAt }
}`,
    { gameId: '' },
  ),
  op(
    `
# Correct the result of a COMPLETED game (the rig reported a wrong score). Scores and the
# leaderboard follow and the souvenir is rendered again; notify: true texts the player again.
mutation CorrectResult($gameId: ID!, $score: Int!, $distance: Int!, $homeruns: Int!, $notify: Boolean) {
  correctResult(gameId: $gameId, result: { score: $score, distance: $distance, homeruns: $homeruns }, notify: $notify) {
    id score distance homeruns
    history { from to at actor correction { before { score } after { score } } }
  }
}`,
    { gameId: '', score: 0, distance: 0, homeruns: 0, notify: false },
  ),
  op(
    `
# Text a player their souvenir again (it never arrived); renders it first if needed.
mutation ResendSouvenir($gameId: ID!) {
  resendSouvenir(gameId: $gameId) { id souvenirUrl messages { kind status to createdAt error } }
}`,
    { gameId: '' },
  ),
  op(
    `
# The day's report (also printable at /staff/report?show=<id>, and as CSV).
query DayReport($showId: ID!) {
  showReport(showId: $showId) {
    show { name date }
    playersSignedUp gamesCompleted gamesCancelled noShows
    cancelledFrom { state count }
    gamesPerHour { hour completed }
    waitSeconds { median p90 max }
    playSeconds { median }
    recallToConfirmSeconds { median }
    sms { sent delivered failed optedOut skipped }
    souvenirLinksOpened
  }
}`,
    { showId: '' },
  ),
];

/**
 * Runs in the page before GraphiQL: keeps the token of the latest sign-in in sessionStorage (gone
 * when the tab closes) and adds it to every GraphQL request that carries no token of its own.
 */
export const SESSION_TOKEN_SCRIPT = `
(() => {
  const KEY = 'mlb-staff-token';
  const original = window.fetch.bind(window);
  window.fetch = async (input, init = {}) => {
    const url = typeof input === 'string' ? input : input.url;
    if (!/\\/graphql(\\?|$)/.test(url)) return original(input, init);
    const headers = new Headers(init.headers || {});
    const given = (headers.get('authorization') || '').replace(/^Bearer\\s*/i, '').trim();
    const saved = sessionStorage.getItem(KEY);
    if (!given && saved) headers.set('authorization', 'Bearer ' + saved);
    const response = await original(input, { ...init, headers });
    response
      .clone()
      .json()
      .then((body) => {
        const token = body && body.data && body.data.login && body.data.login.token;
        if (token) sessionStorage.setItem(KEY, token);
        const code = body && body.errors && body.errors[0] && body.errors[0].extensions && body.errors[0].extensions.code;
        if (code === 'UNAUTHENTICATED' && !given) sessionStorage.removeItem(KEY);
      })
      .catch(() => {});
    return response;
  };
})();
`;
