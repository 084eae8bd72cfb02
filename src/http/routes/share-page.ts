// The souvenir's share page behind /s/<code>: phone first, the card, "Save image", the phone's
// share sheet with the image where it takes files, plain links elsewhere, the story size, and the
// Open Graph / Twitter tags that make the link preview as the card. Its style and script are
// inline and fixed (the page's data rides in attributes), so the CSP can name them by hash and
// allow nothing from elsewhere.
import { createHash } from 'node:crypto';

const STYLE = `
:root{color-scheme:dark;--bg:#0f131a;--fg:#f5f7fa;--muted:#a8b3c4;--accent:#ffd23f}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{max-width:560px;margin:0 auto;padding:20px 16px 40px}
h1{font-size:1.5rem;line-height:1.2;margin:4px 0 4px}
p.sub{margin:0 0 16px;color:var(--muted)}
img.card{display:block;width:100%;height:auto;border-radius:14px;box-shadow:0 8px 30px rgba(0,0,0,.45)}
.actions{display:grid;grid-template-columns:1fr 1fr;gap:10px;margin:16px 0}
.actions.single{grid-template-columns:1fr}
.button{display:flex;align-items:center;justify-content:center;min-height:52px;padding:0 16px;border-radius:12px;border:0;font:600 1.05rem system-ui,sans-serif;text-decoration:none;color:#10131a;background:var(--fg);cursor:pointer}
.button.primary{background:var(--accent)}
.button[hidden]{display:none}
.links{display:flex;flex-wrap:wrap;gap:8px;margin:0 0 24px}
.links a,.links button{flex:1 1 auto;text-align:center;padding:10px 12px;border-radius:10px;border:1px solid #2c3544;color:var(--fg);background:transparent;text-decoration:none;font:600 .95rem system-ui,sans-serif}
h2{font-size:1.1rem;margin:28px 0 10px}
.story{display:grid;grid-template-columns:42% 1fr;gap:14px;align-items:center}
.story img{width:100%;height:auto;border-radius:10px}
footer{margin-top:32px;color:var(--muted);font-size:.85rem;text-align:center}
`;

const SCRIPT = `
(function () {
  var d = document.body.dataset;
  var share = document.getElementById('share');
  var actions = document.querySelector('.actions');
  function count() { fetch(d.shared, { method: 'POST', keepalive: true }).catch(function () {}); }
  function withFile() {
    try { return !!(navigator.canShare && navigator.canShare({ files: [new File([''], 'souvenir.png', { type: 'image/png' })] })); }
    catch (e) { return false; }
  }
  if (!navigator.share) { actions.classList.add('single'); return; }
  share.hidden = false;
  share.addEventListener('click', function () {
    var text = d.title;
    var done = function () { count(); };
    var fail = function (e) { if (!e || e.name !== 'AbortError') location.href = d.image; };
    if (!withFile()) { navigator.share({ title: text, url: d.page }).then(done, fail); return; }
    fetch(d.image).then(function (r) { return r.blob(); }).then(function (blob) {
      var file = new File([blob], 'souvenir.png', { type: 'image/png' });
      var data = navigator.canShare({ files: [file] }) ? { files: [file], title: text } : { title: text, url: d.page };
      return navigator.share(data);
    }).then(done, fail);
  });
  var copy = document.getElementById('copy');
  if (copy && navigator.clipboard) {
    copy.hidden = false;
    copy.addEventListener('click', function () {
      navigator.clipboard.writeText(d.page).then(function () { copy.textContent = 'Link copied'; });
    });
  }
})();
`;

const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/** Everything the page may load: its own images and requests, its one style and one script. */
export const SHARE_PAGE_CSP = [
  "default-src 'none'",
  "img-src 'self'",
  `style-src ${hash(STYLE)}`,
  `script-src ${hash(SCRIPT)}`,
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const escape = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export interface SharePage {
  firstName: string;
  showName: string;
  /** Absolute: this page's address, and the card's (for previews in other apps). */
  pageUrl: string;
  imageUrl: string;
  /** This server's paths, so the page works whatever host it was reached by. */
  imagePath: string;
  storyPath: string | null;
  savePath: string;
  saveStoryPath: string;
  sharedPath: string;
}

export function sharePageHtml(p: SharePage): string {
  const title = `${p.firstName}'s home run derby card · ${p.showName}`;
  const e = {
    title: escape(title),
    first: escape(p.firstName),
    show: escape(p.showName),
    page: escape(p.pageUrl),
    image: escape(p.imageUrl),
  };
  const enc = encodeURIComponent;
  const links = [
    ['Text', `sms:?&body=${enc(`${title} ${p.pageUrl}`)}`],
    ['WhatsApp', `https://wa.me/?text=${enc(`${title} ${p.pageUrl}`)}`],
    ['X', `https://twitter.com/intent/tweet?text=${enc(title)}&url=${enc(p.pageUrl)}`],
    ['Facebook', `https://www.facebook.com/sharer/sharer.php?u=${enc(p.pageUrl)}`],
  ]
    .map(([label, href]) => `<a href="${escape(href!)}" rel="noopener noreferrer" target="_blank">${label}</a>`)
    .join('');
  const story = p.storyPath
    ? `<h2>For your story</h2>
<div class="story"><img src="${escape(p.storyPath)}" alt="The story-sized card, 1080 by 1920" width="1080" height="1920" loading="lazy">
<a class="button" id="save-story" href="${escape(p.saveStoryPath)}" download="souvenir-story.png">Save story image</a></div>`
    : '';
  return `<!doctype html>
<html lang="en"><head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<title>${e.title}</title>
<meta name="robots" content="noindex">
<meta name="description" content="${e.first}'s score card from ${e.show}.">
<meta property="og:type" content="website">
<meta property="og:title" content="${e.title}">
<meta property="og:description" content="${e.first}'s score card from ${e.show}.">
<meta property="og:url" content="${e.page}">
<meta property="og:image" content="${e.image}">
<meta property="og:image:type" content="image/png">
<meta property="og:image:width" content="1080">
<meta property="og:image:height" content="1080">
<meta property="og:image:alt" content="${e.first}'s score card">
<meta name="twitter:card" content="summary_large_image">
<meta name="twitter:title" content="${e.title}">
<meta name="twitter:image" content="${e.image}">
<style>${STYLE}</style>
</head>
<body data-image="${escape(p.imagePath)}" data-page="${e.page}" data-shared="${escape(p.sharedPath)}" data-title="${e.title}">
<main>
<h1>Great swings, ${e.first}!</h1>
<p class="sub">Your card from ${e.show}. Save it or share it.</p>
<img class="card" id="card" src="${escape(p.imagePath)}" alt="${e.first}'s score card" width="1080" height="1080">
<div class="actions">
<a class="button primary" id="save" href="${escape(p.savePath)}" download="souvenir.png">Save image</a>
<button class="button" id="share" type="button" hidden>Share</button>
</div>
<div class="links">${links}<button id="copy" type="button" hidden>Copy link</button></div>
${story}
<footer>${e.show}</footer>
</main>
<script>${SCRIPT}</script>
</body></html>`;
}
