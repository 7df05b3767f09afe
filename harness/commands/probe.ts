// harness probe: open a bank's page, find its chat widget, print a candidate
// channels.web block. The finding is the web adapter's (it knows widgets);
// this command only prints.

export async function probeCommand(o: { url: string; timeout: number }): Promise<void> {
  const { probeChatWidget } = await import('../../adapters/registry.ts');
  const result = await probeChatWidget(o.url, { timeoutMs: o.timeout });
  for (const n of result.notes) process.stderr.write(`# ${n}\n`);
  process.stdout.write(result.yaml);
}
