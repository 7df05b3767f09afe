// The flat XML dialect of WeChat message push: <xml><Field><![CDATA[v]]></Field>…</xml>,
// plus news replies' <Articles><item>…</item></Articles>. Small enough that a
// tolerant reader is clearer than an XML library.

export type XmlFields = Record<string, string>;

const cdata = (v: string) => `<![CDATA[${v.replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;

/** Builds `<xml>…</xml>`; numbers are written bare, strings as CDATA. */
export function buildXml(fields: Record<string, string | number>): string {
  const body = Object.entries(fields)
    .map(([k, v]) => `<${k}>${typeof v === 'number' ? String(v) : cdata(v)}</${k}>`)
    .join('');
  return `<xml>${body}</xml>`;
}

function unwrap(raw: string): string {
  const parts = [...raw.matchAll(/<!\[CDATA\[([\s\S]*?)\]\]>/g)];
  if (parts.length > 0) return parts.map((m) => m[1]).join('');
  return raw
    .trim()
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&quot;', '"')
    .replaceAll('&apos;', "'")
    .replaceAll('&amp;', '&');
}

/** The direct children of an element body, by tag name (last one wins). */
export function parseFields(xml: string): XmlFields {
  const out: XmlFields = {};
  const inner = /<xml>([\s\S]*)<\/xml>/.exec(xml)?.[1] ?? xml;
  const re = /<([A-Za-z_][\w]*)>([\s\S]*?)<\/\1>|<([A-Za-z_][\w]*)\s*\/>/g;
  for (const m of inner.matchAll(re)) {
    if (m[3]) out[m[3]] = '';
    else out[m[1]] = unwrap(m[2]);
  }
  return out;
}

export interface NewsArticle {
  title: string;
  description: string;
  picUrl: string;
  url: string;
}

export function parseArticles(xml: string): NewsArticle[] {
  const list = /<Articles>([\s\S]*?)<\/Articles>/.exec(xml)?.[1] ?? '';
  return [...list.matchAll(/<item>([\s\S]*?)<\/item>/g)].map((m) => {
    const f = parseFields(m[1]);
    return { title: f.Title ?? '', description: f.Description ?? '', picUrl: f.PicUrl ?? '', url: f.Url ?? '' };
  });
}

export function buildNewsXml(head: Record<string, string | number>, articles: NewsArticle[]): string {
  const items = articles
    .map(
      (a) =>
        `<item><Title>${cdata(a.title)}</Title><Description>${cdata(a.description)}</Description>` +
        `<PicUrl>${cdata(a.picUrl)}</PicUrl><Url>${cdata(a.url)}</Url></item>`,
    )
    .join('');
  const base = buildXml({ ...head, MsgType: 'news', ArticleCount: articles.length });
  return base.replace(/<\/xml>$/, `<Articles>${items}</Articles></xml>`);
}
