// ECharts numbers its renderers and their CSS classes, gradients and clip
// paths from counters that live as long as the process ("zr6-cls-28"): the
// same report rendered twice in one process would differ. A page's charts are
// renumbered in the order they appear, so a report is a function of its run.
const CHART_ID = /zr(\d+)-(cls-|[a-z])(\d+)/g;
const SVG = /<svg[\s\S]*?<\/svg>/g;

export function stableChartIds(html: string): string {
  if (!html.includes('<svg')) return html;
  const renderers = new Map<string, number>();
  const items = new Map<string, number>();
  const ids = new Map<string, string>();
  const renumber = (token: string, zr: string, kind: string) => {
    let id = ids.get(token);
    if (id === undefined) {
      let r = renderers.get(zr);
      if (r === undefined) renderers.set(zr, (r = renderers.size));
      const n = items.get(kind) ?? 0;
      items.set(kind, n + 1);
      ids.set(token, (id = `zr${r}-${kind}${n}`));
    }
    return id;
  };
  // Only inside the charts: a transcript quoting "zr1-c2" stays as the bot wrote it.
  return html.replace(SVG, (svg) => svg.replace(CHART_ID, renumber));
}
