import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
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

// The files that take longest (a fresh clone's run, 4 workers on 2 cores),
// longest first. The cores stay busy to the end only when the long files
// start first and the short ones fill the gaps; a long file started last
// leaves a core idle while it finishes. Files not
// listed follow, longest first by vitest's record of the last run (e2e before
// unit when there is none, as on a fresh clone).
const longestFirst = [
  'test/adapters/web/faults.test.ts',
  'test/e2e/scorecard.test.ts',
  'test/adapters/web/isolation.test.ts',
  'test/e2e/preflight.test.ts',
  'test/e2e/channels-online.test.ts',
  'test/adapters/hotline/adapter.test.ts',
  'test/adapters/web/chat.test.ts',
  'test/expand/expand.test.ts',
  'test/e2e/reports.test.ts',
  'test/e2e/widgets.test.ts',
  'test/adapters/web/probe.test.ts',
  'test/reports/html.test.ts',
  'test/adapters/web/shadow.test.ts',
  'test/e2e/report-terms.test.ts',
  'test/e2e/channels-hotline.test.ts',
  'test/e2e/resume.test.ts',
  'test/adapters/web/prewarm.test.ts',
  'test/adapters/wechat-h5.test.ts',
  'test/e2e/report-replay.test.ts',
  'test/adapters/web/browser-flags.test.ts',
  'test/adapters/hotline/audio-websocket.test.ts',
  'test/interop/baresip.test.ts',
];

class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const root = this.ctx.config.root;
    const rank = (f: TestSpecification) => {
      const i = longestFirst.indexOf(relative(root, f.moduleId));
      return i >= 0 ? i : longestFirst.length + (f.project.name === 'e2e' ? 0 : 1);
    };
    const lastMs = (f: TestSpecification) => this.ctx.cache.getFileTestResults(`${f.project.name}:${relative(root, f.moduleId)}`)?.duration ?? 0;
    return [...files].sort((a, b) => rank(a) - rank(b) || lastMs(b) - lastMs(a));
  }
}

export default defineConfig({
  test: {
    // Four files at once on 2 cores: the phone-line and queue tests spend most
    // of their time waiting on real-time audio (a 25 s file may use 5 CPU-s),
    // and with two workers such a file left a core idle. Measured on this
    // machine with cgroups: 2 workers 255 s, 3 workers 225 s, 4 workers 219 s.
    maxWorkers: 4,
    pool: 'forks',
    sequence: { sequencer: LongestFirst },
    // Builds dist/ (the precompiled CLI that bin/harness.mjs runs) when it is stale.
    globalSetup: ['test/helpers/build-bundle.ts'],
    projects: [
      {
        extends: true,
        // In-process logic keeps no state between files: one module graph per
        // worker, so the packs, jieba and the grader's tables load once, not per file.
        test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: e2e, testTimeout: 30_000, hookTimeout: 30_000, isolate: false },
      },
      {
        extends: true,
        // No fresh module graph per file either: each e2e file's imports (Playwright, the
        // adapters, the grader) cost a worker about a CPU-second to load again.
        test: { name: 'e2e', include: e2e, testTimeout: 300_000, hookTimeout: 300_000, isolate: false },
      },
    ],
  },
});
