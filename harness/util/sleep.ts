// The abortable sleep lives in lib/ so protocol code can use it too.
export { sleep } from '../../lib/sleep.ts';
