import { adapterFactories } from '../../adapters/registry.ts';
import type { BankProfile, ChannelConfig } from '../config/bank.ts';
import { interpolate } from '../config/interpolate.ts';
import { PACKAGE_ROOT } from '../config/load.ts';
import { readYaml } from '../config/yaml.ts';
import { ConfigError } from '../errors.ts';
import type { EmbeddedBank } from '../embedded.ts';
import { startEmbeddedThread } from '../embedded-thread.ts';
import type { Adapter, AdapterEnv, TraceMode } from '../types.ts';

// Start what a set of channels needs: the embedded bank's parts (when the
// profile has one) and one adapter per channel. Shared by harness run and
// harness try, so both talk to a channel the same way.

export interface StartedChannels {
  configs: Record<string, ChannelConfig>;
  adapters: Map<string, Adapter>;
  simulated: Set<string>;
  close(): Promise<void>;
}

export interface ChannelEnvOptions {
  runDir: string;
  screenshots: boolean;
  trace: TraceMode;
  turnTimeoutMs: number;
  debug: boolean;
  embeddedOptions?: Record<string, unknown>;
  log(message: string): void;
}

export async function startChannels(profile: BankProfile, bankFile: string, channels: string[], o: ChannelEnvOptions): Promise<StartedChannels> {
  let embedded: EmbeddedBank | undefined;
  const adapters = new Map<string, Adapter>();
  const simulated = new Set<string>();
  const close = async () => {
    await Promise.allSettled([...adapters.values()].map((a) => a.dispose()));
    await embedded?.close();
  };
  try {
    let configs: Record<string, ChannelConfig> = profile.channels;
    if (profile.embedded) {
      // Start only the parts the channels talk to.
      const used = JSON.stringify(channels.map((c) => profile.channels[c])).matchAll(/\$\{embedded:([A-Za-z0-9_.-]+)/g);
      const variables = [...new Set([...used].map((m) => m[1]))];
      embedded = await startEmbeddedThread(profile.embedded, { ...profile.embeddedOptions, ...(o.embeddedOptions ?? {}) }, { variables });
      const vars = embedded.vars;
      const running = Object.fromEntries(channels.map((c) => [c, profile.channels[c]]));
      const r = interpolate(running, ['embedded'], (_s, name) => vars[name]);
      if (r.problems.length) {
        const source = readYaml(bankFile);
        throw new ConfigError(r.problems.map((p) => ({ file: source.file, ...source.at(['channels', ...p.path]), path: `channels.${p.path.join('.')}`, message: p.message })));
      }
      configs = r.value as Record<string, ChannelConfig>;
    }
    const env: AdapterEnv = {
      runDir: o.runDir,
      profileDir: PACKAGE_ROOT,
      options: { screenshots: o.screenshots, trace: o.trace, turnTimeoutMs: o.turnTimeoutMs, debug: o.debug },
      log: o.log,
    };
    for (const name of channels) {
      const config = configs[name];
      const factory = await adapterFactories[config.adapter]();
      const adapter = await factory(config, env);
      adapters.set(name, adapter);
      if (adapter.simulated) simulated.add(name);
    }
    return { configs, adapters, simulated, close };
  } catch (err) {
    await close();
    throw err;
  }
}
