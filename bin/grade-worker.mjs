// The grading thread when the CLI runs from its TypeScript sources
// (harness/grade-thread.ts; the bundle has its own dist/grade-worker.mjs).
const { register } = await import('tsx/esm/api');
register();
await import('../harness/grade-worker.ts');
