// SMS: what kinds are sent or received, the states a message goes through, and the templates of a show.
// Placeholders: {firstName}, {position}, {eta}, {link}, {url}; show validation refuses any other.
export const MESSAGE_KINDS = ['welcome', 'recall', 'souvenir', 'no_show', 'reply', 'inbound'] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];
/** `skipped`: never sent because it no longer mattered when it could go out (a stale recall, see delivery.ts). */
export const MESSAGE_STATUSES = ['queued', 'sent', 'delivered', 'failed', 'skipped'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];
/** Texts the server sends, and texts players send it (inbound, answered by a TwiML reply). */
export const MESSAGE_DIRECTIONS = ['outbound', 'inbound'] as const;
export type MessageDirection = (typeof MESSAGE_DIRECTIONS)[number];

export const PLACEHOLDERS = ['firstName', 'position', 'eta', 'link', 'url'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];
export type TemplateValues = Partial<Record<Placeholder, string | number | null>>;

const PATTERN = new RegExp(`\\{(${PLACEHOLDERS.join('|')})\\}`, 'g');
const ANY_PLACEHOLDER = /\{([^{}\s]*)\}/g;

/** The `{names}` a template uses that are not placeholders, each once, in order of appearance. */
export function unknownPlaceholders(template: string): string[] {
  const unknown = new Set<string>();
  for (const [, name] of template.matchAll(ANY_PLACEHOLDER)) {
    if (!(PLACEHOLDERS as readonly string[]).includes(name!)) unknown.add(`{${name}}`);
  }
  return [...unknown];
}

/** Fills the placeholders; one without a value disappears with the space it leaves, never as raw braces. */
export function renderMessage(template: string, values: TemplateValues): string {
  return template
    .replace(PATTERN, (_m, name: Placeholder) => {
      const v = values[name];
      return v === null || v === undefined ? '' : String(v);
    })
    .replace(/[ \t]{2,}/g, ' ')
    .replace(/ +([,.!?;:])/g, '$1')
    .trim();
}

/** `{eta}`: the estimated wait in whole minutes, or "soon" when it is under a minute or unknown. */
export function etaText(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || seconds < 60) return 'soon';
  const minutes = Math.round(seconds / 60);
  return `${minutes} min`;
}

/**
 * Texts a show uses when it has none of its own. Kept short: with a link filled in each still fits
 * one 160-character SMS.
 */
export const DEFAULT_TEXTS = {
  welcome: "Hi {firstName}, you're number {position} in line (wait: {eta}). Your place, live: {link}",
  help: 'Reply LEAVE to leave the line, LATE if you are running late, STOP to stop texts. Your place: {link}',
  leave: "You've left the line, {firstName}. Thanks for coming!",
  late: 'No problem, {firstName}: you keep your place, number {position} in line. We will text you again.',
  noShow: "Sorry {firstName}, we couldn't wait any longer and gave your turn away. Sign up again at the booth.",
} as const;

/** Replies that are not a show's own text. */
export const FIXED_REPLIES = {
  optIn: 'You will get texts from us again. Reply STOP to stop them.',
  lateNotRecalled: "You're number {position} in line, {firstName}; we haven't called you yet, so no need to hurry.",
  lateNotWaiting: 'There is nothing to be late for right now, {firstName}.',
  menu: 'Reply LEAVE to leave the line, LATE if you are running late, HELP for help, STOP to stop texts.',
  noPlayer: "We couldn't find you in line. Please ask at the booth.",
} as const;
