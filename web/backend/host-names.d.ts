// Types of host-names.js for the dashboard's TypeScript (web/proxy.ts), which does not read JS.
export declare const LOOPBACK_HOST_NAMES: readonly string[];
export declare function allowedHostNames(listenHost: string, extra?: readonly string[]): Set<string>;
export declare function hostAllowed(header: string | undefined, names: ReadonlySet<string>): boolean;
