// SMS: what kinds are sent, the states a message goes through, and the templates of a show.
// Placeholders: {firstName}, {position}, {url}.
export const MESSAGE_KINDS = ['welcome', 'recall', 'souvenir'] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];
/** `skipped`: never sent because it no longer mattered when it could go out (a stale recall, see delivery.ts). */
export const MESSAGE_STATUSES = ['queued', 'sent', 'delivered', 'failed', 'skipped'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

export const PLACEHOLDERS = ['firstName', 'position', 'url'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];
export type TemplateValues = Partial<Record<Placeholder, string | number | null>>;

const PATTERN = new RegExp(`\\{(${PLACEHOLDERS.join('|')})\\}`, 'g');

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
