// Times as a reader reads them: local wall-clock time with its zone, never a
// bare UTC ISO string. The zone is the renderer's (TZ), named in the text.

const pad = (n: number) => String(n).padStart(2, '0');

// A formatter costs far more to make than to use, and a report formats a time per row.
const formats = new Map<string, Intl.DateTimeFormat>();
let zone: { tz: string | undefined; name: string } | undefined;
/** The process's zone, looked up again only when TZ changes. */
const processZone = () => (zone && zone.tz === process.env.TZ ? zone : (zone = { tz: process.env.TZ, name: Intl.DateTimeFormat().resolvedOptions().timeZone })).name;

/** 2026-12-01 11:45:46 UTC+08:00 for an ISO instant; the input unchanged when it is not a time. */
export function localTime(iso: string, timeZone = processZone()): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  let format = formats.get(timeZone);
  if (!format) formats.set(timeZone, (format = new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' })));
  const parts = Object.fromEntries(
    format
      .formatToParts(d)
      .map((p) => [p.type, p.value]),
  );
  // The zone's offset at that instant: the wall-clock time read as UTC, minus the instant.
  const wall = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  const offset = Math.round((wall - Math.floor(d.getTime() / 1000) * 1000) / 60000);
  const sign = offset < 0 ? '-' : '+';
  const zone = `UTC${sign}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second} ${zone}`;
}
