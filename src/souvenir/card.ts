// The souvenir card as satori element objects ({ type, props }), 1080×1080.
import type { Rgb } from './photo.js';

export const CARD_SIZE = 1080;
const PAD = 36;
const BORDER = 8;
const INNER = CARD_SIZE - 2 * PAD - 2 * BORDER;
/** The photo's box on the card; uploads are scaled to exactly this size. */
export const PHOTO_BOX = { width: INNER, height: 600 } as const;
const FOOTER = 112;
const RADIUS = 20;
/** The inner radius of the frame: the photo's top corners follow it. */
export const CORNER_RADIUS = RADIUS;
// No `overflow: hidden` and no CSS borders: satori turns them into masks and clip paths, and resvg
// renders each as a full-canvas layer. Edge pieces round their own corners; the frame, the
// dividers and the team mark's ring are filled shapes.
const TOP_CORNERS = { borderTopLeftRadius: RADIUS, borderTopRightRadius: RADIUS } as const;

export interface CardData {
  firstName: string;
  lastName: string | null;
  score: number;
  homeruns: number;
  distance: number;
  teamName: string | null;
  teamColor: string | null;
  showName: string | null;
}

export interface CardNode {
  type: string;
  props: {
    style?: Record<string, unknown>;
    children?: CardNode | string | Array<CardNode | string>;
    [k: string]: unknown;
  };
}

const NEUTRAL: Rgb = { r: 0x47, g: 0x55, b: 0x69 };

/** `#rgb` or `#rrggbb`; anything else is the neutral grey. */
export function parseColor(color: string | null | undefined): Rgb {
  const m = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i.exec((color ?? '').trim());
  if (!m) return NEUTRAL;
  const hex = m[1]!.length === 3 ? [...m[1]!].map((c) => c + c).join('') : m[1]!;
  return { r: parseInt(hex.slice(0, 2), 16), g: parseInt(hex.slice(2, 4), 16), b: parseInt(hex.slice(4, 6), 16) };
}

const css = ({ r, g, b }: Rgb, a = 1) => `rgba(${Math.round(r)}, ${Math.round(g)}, ${Math.round(b)}, ${a})`;
const shade = (c: Rgb, t: number): Rgb => ({ r: c.r * (1 - t), g: c.g * (1 - t), b: c.b * (1 - t) });
const tint = (c: Rgb, t: number): Rgb => ({
  r: c.r + (255 - c.r) * t,
  g: c.g + (255 - c.g) * t,
  b: c.b + (255 - c.b) * t,
});
const isLight = ({ r, g, b }: Rgb) => 0.2126 * r + 0.7152 * g + 0.0722 * b > 160;

/** Families in fallback order: the latin file first, the latin-ext one for the rest (Ł, Ő, Ș…). */
export const DISPLAY = 'Oswald, Oswald Ext, Oswald Vi';
export const TEXT = 'Inter, Inter Ext, Inter Vi';

function el(
  type: string,
  style: Record<string, unknown>,
  children?: CardNode['props']['children'],
  extra: Record<string, unknown> = {},
): CardNode {
  // Sizes below are outer sizes, as in the CSS most people write.
  return {
    type,
    props: { style: { boxSizing: 'border-box', ...style }, ...(children !== undefined ? { children } : {}), ...extra },
  };
}

/**
 * Oswald's capitals average about 0.5 em wide: the size that fits `width`, within [min, max].
 * Text still too long at the minimum is cut with an ellipsis.
 */
export function fitText(
  text: string,
  width: number,
  max: number,
  min: number,
  em = 0.52,
): { text: string; size: number } {
  const chars = [...text];
  const size = Math.max(min, Math.min(max, Math.floor(width / (Math.max(chars.length, 1) * em))));
  const fits = Math.floor(width / (size * em));
  return {
    text:
      chars.length > fits
        ? `${chars
            .slice(0, Math.max(fits - 1, 1))
            .join('')
            .trimEnd()}…`
        : text,
    size,
  };
}

function initials(name: string | null): string {
  const words = (name ?? '').trim().split(/\s+/).filter(Boolean);
  return (words.length > 1 ? words[0]![0]! + words[1]![0]! : (words[0] ?? '?').slice(0, 2)).toUpperCase();
}

function placeholder(): CardNode {
  // A neutral silhouette in flat greys: no team colour (a missing photo never looks like a broken
  // one) and no gradient (gradients are among resvg's slowest paints).
  return el(
    'div',
    {
      display: 'flex',
      width: PHOTO_BOX.width,
      height: PHOTO_BOX.height,
      alignItems: 'flex-end',
      justifyContent: 'center',
      backgroundColor: '#2a2e35',
      ...TOP_CORNERS,
    },
    [
      el('div', { display: 'flex', flexDirection: 'column', alignItems: 'center' }, [
        el('div', { width: 200, height: 200, borderRadius: 100, backgroundColor: '#474d56' }),
        el('div', {
          width: 420,
          height: 230,
          marginTop: 24,
          borderTopLeftRadius: 210,
          borderTopRightRadius: 210,
          backgroundColor: '#474d56',
        }),
      ]),
    ],
  );
}

function divider(accent: Rgb): CardNode {
  return el('div', { width: 2, height: '100%', backgroundColor: css(accent, 0.35) });
}

function stat(label: string, value: string, unit: string | null, accent: Rgb): CardNode {
  const width = Math.floor((INNER - 4) / 3);
  const fitted = fitText(value, width - 60 - (unit ? 60 : 0), 124, 40, 0.5);
  return el(
    'div',
    {
      display: 'flex',
      flexDirection: 'column',
      alignItems: 'center',
      justifyContent: 'center',
      width,
      height: '100%',
      paddingBottom: 12,
    },
    [
      el('div', { fontFamily: TEXT, fontWeight: 600, fontSize: 26, letterSpacing: 5, color: css(accent) }, label),
      el('div', { display: 'flex', alignItems: 'flex-end', height: 150 }, [
        el(
          'div',
          { fontFamily: DISPLAY, fontWeight: 700, fontSize: fitted.size, color: '#ffffff', lineHeight: 1.1 },
          fitted.text,
        ),
        ...(unit
          ? [
              el(
                'div',
                {
                  fontFamily: DISPLAY,
                  fontWeight: 600,
                  fontSize: 40,
                  color: css(accent),
                  marginLeft: 10,
                  marginBottom: 16,
                },
                unit,
              ),
            ]
          : []),
      ]),
    ],
  );
}

/** Where the photo box sits on the card. */
export const PHOTO_ORIGIN = { left: PAD + BORDER, top: PAD + BORDER } as const;

function palette(data: CardData) {
  const team = parseColor(data.teamColor);
  return { team, deep: shade(team, 0.55), pale: tint(team, 0.75), onTeam: isLight(team) ? '#111111' : '#ffffff' };
}

/**
 * The card without what lies over the photo box. With `photo` false the box holds the neutral
 * placeholder; with true it is left plain, to be covered by the toned photo and then the overlay
 * (render.ts composites the three layers: the photo never passes through the SVG renderer).
 */
export function buildCard(data: CardData, photo: boolean): CardNode {
  const { team, deep, pale, onTeam } = palette(data);
  return el(
    'div',
    {
      display: 'flex',
      width: CARD_SIZE,
      height: CARD_SIZE,
      padding: PAD,
      backgroundColor: css(deep),
      fontFamily: TEXT,
    },
    [
      el(
        'div',
        {
          display: 'flex',
          width: INNER + 2 * BORDER,
          height: INNER + 2 * BORDER,
          padding: BORDER,
          borderRadius: RADIUS + BORDER,
          backgroundColor: css(pale),
        },
        [
          el(
            'div',
            {
              display: 'flex',
              flexDirection: 'column',
              width: INNER,
              height: INNER,
              borderRadius: RADIUS,
              backgroundColor: '#0d1117',
            },
            [
              photo
                ? el('div', {
                    width: PHOTO_BOX.width,
                    height: PHOTO_BOX.height,
                    ...TOP_CORNERS,
                    backgroundColor: '#0d1117',
                  })
                : placeholder(),
              el(
                'div',
                {
                  display: 'flex',
                  flexDirection: 'row',
                  width: INNER,
                  height: INNER - PHOTO_BOX.height - FOOTER,
                  backgroundColor: '#0d1117',
                },
                [
                  stat('SCORE', data.score.toLocaleString('en-US'), null, pale),
                  divider(pale),
                  stat('HOME RUNS', String(data.homeruns).padStart(2, '0'), null, pale),
                  divider(pale),
                  stat('DISTANCE', data.distance.toLocaleString('en-US'), 'FT', pale),
                ],
              ),
              el(
                'div',
                {
                  display: 'flex',
                  alignItems: 'center',
                  justifyContent: 'space-between',
                  width: INNER,
                  height: FOOTER,
                  paddingLeft: 40,
                  paddingRight: 40,
                  backgroundColor: css(team),
                  borderBottomLeftRadius: RADIUS,
                  borderBottomRightRadius: RADIUS,
                },
                [
                  el(
                    'div',
                    {
                      fontFamily: DISPLAY,
                      fontWeight: 600,
                      fontSize: 46,
                      letterSpacing: 3,
                      color: onTeam,
                      whiteSpace: 'nowrap',
                    },
                    fitText((data.teamName ?? 'HOME RUN DERBY').toUpperCase(), 560, 46, 28).text,
                  ),
                  el(
                    'div',
                    {
                      fontFamily: TEXT,
                      fontWeight: 600,
                      fontSize: 24,
                      letterSpacing: 3,
                      color: onTeam,
                      opacity: 0.85,
                      whiteSpace: 'nowrap',
                    },
                    fitText((data.showName ?? 'MLB VR').toUpperCase(), 340, 24, 24, 0.7).text,
                  ),
                ],
              ),
            ],
          ),
        ],
      ),
    ],
  );
}

/** What lies over the photo box (name and team mark), on a transparent PHOTO_BOX-sized layer. */
export function buildOverlay(data: CardData): CardNode {
  const { team, pale, onTeam } = palette(data);
  const nameWidth = INNER - 80 - 150;
  const first = fitText(data.firstName.trim().toUpperCase() || '?', nameWidth, 150, 56);
  const last = data.lastName?.trim() ? fitText(data.lastName.trim().toUpperCase(), nameWidth, 110, 48) : null;
  return el('div', { display: 'flex', position: 'relative', width: PHOTO_BOX.width, height: PHOTO_BOX.height }, [
    el(
      'div',
      { position: 'absolute', left: 40, bottom: 24, display: 'flex', flexDirection: 'column', width: nameWidth },
      [
        el(
          'div',
          {
            fontFamily: DISPLAY,
            fontWeight: 700,
            fontSize: first.size,
            color: '#ffffff',
            lineHeight: 1,
            letterSpacing: 2,
            whiteSpace: 'nowrap',
          },
          first.text,
        ),
        ...(last
          ? [
              el(
                'div',
                {
                  fontFamily: DISPLAY,
                  fontWeight: 700,
                  fontSize: last.size,
                  color: css(pale),
                  lineHeight: 1.05,
                  letterSpacing: 2,
                  whiteSpace: 'nowrap',
                },
                last.text,
              ),
            ]
          : []),
      ],
    ),
    el(
      'div',
      {
        position: 'absolute',
        top: 28,
        right: 28,
        display: 'flex',
        alignItems: 'center',
        justifyContent: 'center',
        width: 128,
        height: 128,
        borderRadius: 64,
        backgroundColor: '#ffffff',
      },
      [
        el(
          'div',
          {
            display: 'flex',
            alignItems: 'center',
            justifyContent: 'center',
            width: 116,
            height: 116,
            borderRadius: 58,
            backgroundColor: css(team),
          },
          [el('div', { fontFamily: DISPLAY, fontWeight: 700, fontSize: 52, color: onTeam }, initials(data.teamName))],
        ),
      ],
    ),
  ]);
}
