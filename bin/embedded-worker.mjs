// The embedded banks' thread when the CLI runs from its TypeScript sources
// (harness/embedded-thread.ts; the bundle has its own dist/embedded-worker.mjs).
const { register } = await import('tsx/esm/api');
register();
await import('../harness/embedded-worker.ts');
