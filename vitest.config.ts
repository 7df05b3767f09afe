import { defineConfig } from 'vitest/config';

// Two projects, both run by `npm test` (`npx vitest run --project unit` runs one):
// - unit: in-process logic, short timeouts — a hang is a failure, fast;
// - e2e: the real CLI, Chromium, SIP/RTP peers and child processes, with
//   timeouts long enough for a loaded 2-core machine.
// Tests assert behaviour, never speed: timing figures live in bench/.
const e2e = [
  'test/e2e/**/*.test.ts',
  'test/interop/**/*.test.ts',
  'test/expand/**/*.test.ts',
  // Real Chromium, SIP/RTP sockets or child processes, beside the unit tests of their module.
  'test/adapters/web/**/*.test.ts',
  'test/adapters/wechat-h5.test.ts',
  'test/adapters/http.test.ts',
  'test/adapters/hotline/sip-*.test.ts',
  'test/adapters/hotline/adapter.test.ts',
  'test/adapters/hotline/config.test.ts',
  'test/adapters/hotline/ivr.test.ts',
  'test/adapters/hotline/audio-websocket.test.ts',
  'test/adapters/hotline/speech-espeak.test.ts',
  'test/reports/html.test.ts',
  'test/config/errors.test.ts',
  'test/config/schema-files.test.ts',
  'test/banks/demo-api.test.ts',
];

export default defineConfig({
  test: {
    // 2-core machines: browser and audio tests contend for CPU, so keep parallelism modest.
    maxWorkers: 2,
    pool: 'forks',
    // Builds dist/ (the precompiled CLI that bin/harness.mjs runs) when it is stale.
    globalSetup: ['test/helpers/build-bundle.ts'],
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: e2e, testTimeout: 30_000, hookTimeout: 30_000 },
      },
      {
        extends: true,
        test: { name: 'e2e', include: e2e, testTimeout: 300_000, hookTimeout: 300_000 },
      },
    ],
  },
});
