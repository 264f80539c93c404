// The Ampyard version (package.json "version").
// The executable build injects it as the constant __AMPYARD_VERSION__ (esbuild `define`);
// from source it is read once from the repository's package.json.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { projectRoot } from "./sea.ts";

declare const __AMPYARD_VERSION__: string | undefined;

let cached: string | undefined;

export function appVersion(): string {
  if (cached === undefined) {
    if (typeof __AMPYARD_VERSION__ === "string") {
      cached = __AMPYARD_VERSION__;
    } else {
      const pkg = JSON.parse(readFileSync(join(projectRoot(), "package.json"), "utf8")) as { version?: unknown };
      cached = typeof pkg.version === "string" ? pkg.version : "0.0.0";
    }
  }
  return cached;
}
