import type { Lang } from '../../harness/types.ts';
import { createHash } from 'node:crypto';
import { stableChartIds } from './chart-ids.ts';
import { esc } from './escape.ts';
import { fontStack } from '../glossary.ts';

// The page shell: inline CSS, the filter script and a Content-Security-Policy
// that only lets that one script run, so bot text can never execute even if
// an escaping bug slipped through.

const css = `
:root { color-scheme: light; }
body { font-family: ${fontStack}; margin: 0 auto; max-width: 1180px; padding: 16px 24px 64px; color: #1f2328; line-height: 1.5; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; } h2 { margin-top: 2em; border-bottom: 1px solid #d0d7de; padding-bottom: 4px; }
table { border-collapse: collapse; margin: 8px 0 16px; font-size: 0.92em; }
th, td { border: 1px solid #d0d7de; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f6f8fa; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
.meta { color: #57606a; } .note { background: #fff8c5; border: 1px solid #e4d27c; padding: 6px 10px; border-radius: 4px; }
.chart { margin: 8px 0 16px; overflow-x: auto; } .chart svg { max-width: 100%; height: auto; }
.cards { display: flex; gap: 12px; flex-wrap: wrap; } .card { border: 1px solid #d0d7de; border-radius: 6px; padding: 8px 14px; min-width: 150px; }
.card b { display: block; font-size: 1.5em; }
details.conv { border: 1px solid #d0d7de; border-radius: 6px; margin: 6px 0; padding: 4px 10px; }
details.conv > summary { cursor: pointer; } .verdict-pass { color: #1a7f37; } .verdict-fail { color: #cf222e; } .verdict-error { color: #9a6700; }
.msg { margin: 6px 0; padding: 6px 10px; border-radius: 6px; white-space: pre-wrap; word-break: break-word; }
.msg.customer { background: #ddf4ff; } .msg.bot { background: #f6f8fa; }
.who { font-size: 0.8em; color: #57606a; display: block; } mark { background: #ffe58f; }
.hit { color: #1a7f37; } .miss { color: #cf222e; } .evidence audio { vertical-align: middle; height: 32px; } .evidence img { max-width: 360px; border: 1px solid #d0d7de; display: block; margin: 4px 0; }
.grade { font-size: 0.9em; border-left: 3px solid #d0d7de; padding-left: 8px; margin: 6px 0 12px; }
#filters { position: sticky; top: 0; background: #fff; padding: 6px 0; border-bottom: 1px solid #d0d7de; z-index: 1; }
#filters label { margin-right: 12px; }
`;

const filterScript = `(function () {
  var bar = document.getElementById('filters');
  if (!bar) return;
  bar.hidden = false;
  var selects = bar.querySelectorAll('select');
  function apply() {
    var want = {};
    selects.forEach(function (s) { want[s.name] = s.value; });
    var shown = 0;
    document.querySelectorAll('.conv').forEach(function (el) {
      var ok = ['channel', 'scenario', 'verdict'].every(function (k) { return !want[k] || el.getAttribute('data-' + k) === want[k]; });
      el.hidden = !ok;
      if (ok) shown++;
    });
    document.getElementById('shown').textContent = String(shown);
  }
  selects.forEach(function (s) { s.addEventListener('change', apply); });
  apply();
  // A link to a conversation opens its transcript.
  function openTarget() {
    var target = location.hash ? document.getElementById(location.hash.slice(1)) : null;
    if (target && target.tagName === 'DETAILS') { target.hidden = false; target.open = true; target.scrollIntoView(); }
  }
  window.addEventListener('hashchange', openTarget);
  openTarget();
})();`;

const scriptHash = createHash('sha256').update(filterScript).digest('base64');

export function page(opts: { lang: Lang; title: string; body: string; script?: boolean }): string {
  const csp = [
    "default-src 'none'",
    "style-src 'unsafe-inline'",
    "img-src 'self' file: data: blob:",
    "media-src 'self' file: data: blob:",
    `script-src 'sha256-${scriptHash}'`,
  ].join('; ');
  return `<!doctype html>
<html lang="${opts.lang === 'zh' ? 'zh-CN' : 'en'}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(opts.title)}</title>
<style>${css}</style>
</head>
<body>
${stableChartIds(opts.body)}
${opts.script === false ? '' : `<script>${filterScript}</script>`}
</body>
</html>
`;
}
