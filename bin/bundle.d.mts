export declare const BUNDLE_DIR: string;
export declare const MANIFEST: string;
/** The bundle's entry file when every source it was built from is older than the build, else null. */
export declare function freshBundle(root: string): string | null;
/** A worker thread's entry: the bundle's beside a fresh bundle, else bin/'s (the sources through tsx). */
export declare function workerEntry(root: string, name: string, bundle?: string | null): string;
/** Where the CLI script's code caches are kept, inside the build. */
export declare const CODE_CACHE_DIR: string;
/** How loadCli compiled the CLI: its ES modules, or its script with the code cache used, made or remade. */
export declare let cliCompiled: 'modules' | 'used' | 'made' | 'remade';
/** The CLI's module from a fresh bundle: its script with V8's code cache where Node can, else its ES modules. */
export declare function loadCli(bundle: string, command?: string): Promise<{ main(argv: string[]): Promise<number> }>;
