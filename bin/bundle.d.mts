export declare const BUNDLE_DIR: string;
export declare const MANIFEST: string;
/** The bundle's entry file when every source it was built from is older than the build, else null. */
export declare function freshBundle(root: string): string | null;
/** A worker thread's entry: the bundle's beside a fresh bundle, else bin/'s (the sources through tsx). */
export declare function workerEntry(root: string, name: string, bundle?: string | null): string;
