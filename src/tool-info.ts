/** Set from package.json's version at build time (scripts/build.mjs) and in tests (vitest.config.ts). */
declare const __TOOL_VERSION__: string;

export const TOOL_NAME = 'remotespark-firewall-check';
export const TOOL_VERSION: string = __TOOL_VERSION__;
