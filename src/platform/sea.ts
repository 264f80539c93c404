// Single-executable-application (SEA) support.
//
// When Ampyard runs as the `build/ampyard` executable, the server code is one CommonJS bundle embedded
// in the Node binary, and its files (the web UI, the better-sqlite3 native addon) are SEA assets.
// When it runs from source (`node src/main.ts`), none of this applies and the helpers return undefined.

import { createHash, randomBytes } from "node:crypto";
import { closeSync, constants as fsConstants, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from "node:fs";
import { constants as osConstants } from "node:os";
import * as nodeSea from "node:sea";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** SEA asset key of the embedded better-sqlite3 addon (see scripts/build/build.ts). */
export const SQLITE_ADDON_ASSET = "better_sqlite3.node";

function sea(): typeof nodeSea | null {
  // `node:sea` exists on every Node this runs on; guard anyway so that isSea() can never throw.
  return typeof nodeSea?.isSea === "function" ? nodeSea : null;
}

let seaFlag: boolean | undefined;

/** True when running inside the single executable. Never throws. */
export function isSea(): boolean {
  if (seaFlag === undefined) {
    try {
      seaFlag = sea()?.isSea() === true;
    } catch {
      seaFlag = false;
    }
  }
  return seaFlag;
}

let assetKeys: Set<string> | undefined;

/** The names of all embedded assets (empty outside SEA). */
export function seaAssetNames(): ReadonlySet<string> {
  if (assetKeys === undefined) {
    const keys = isSea() ? (sea()?.getAssetKeys() ?? []) : [];
    assetKeys = new Set(keys);
  }
  return assetKeys;
}

/**
 * A copy of the bytes of an embedded asset, or undefined when not in SEA mode or when there is no such asset.
 */
export function seaAsset(name: string): Buffer | undefined {
  if (!isSea()) return undefined;
  const mod = sea();
  if (!mod) return undefined;
  const names = seaAssetNames();
  if (names.size > 0 && !names.has(name)) return undefined;
  try {
    return Buffer.from(mod.getAsset(name));
  } catch {
    return undefined;
  }
}

let loadedBinding: object | undefined;
let loadedBindingFile: string | undefined;

/** Where nativeSqliteBinding() extracted the addon it loaded (for worker threads, which load it again); else undefined. */
export function nativeSqliteBindingFile(): string | undefined {
  return loadedBindingFile;
}

/**
 * The better-sqlite3 native addon for the executable, ready to be passed to better-sqlite3:
 *
 *     new Database(file, { nativeBinding: nativeSqliteBinding(dataDir) })
 *
 * Returns undefined when not running as SEA (better-sqlite3 then loads its own prebuilt addon).
 * In SEA mode, the embedded addon is written once to `<dataDir>/.native/better_sqlite3-<sha256>.node`
 * (content-addressed, atomically; an existing file with the right content is reused), then loaded with
 * `process.dlopen`. `AMPYARD_NATIVE_DIR` overrides the directory (e.g. if the data dir is mounted noexec).
 */
export function nativeSqliteBinding(dataDir: string): object | undefined {
  // One copy per process, whatever the data dir: a second dlopen of another copy would load the library twice.
  if (loadedBinding) return loadedBinding;
  if (!isSea()) return undefined;
  const addon = seaAsset(SQLITE_ADDON_ASSET);
  if (!addon) {
    throw new Error(`The executable has no embedded ${SQLITE_ADDON_ASSET} asset; it was built incorrectly.`);
  }
  const hash = createHash("sha256").update(addon).digest("hex");
  const dir = resolve(process.env["AMPYARD_NATIVE_DIR"] || join(dataDir, ".native"));
  const file = join(dir, `better_sqlite3-${hash.slice(0, 16)}.node`);

  materialize(file, addon, hash);

  const mod: { exports: object } = { exports: {} };
  try {
    process.dlopen(mod, file, osConstants.dlopen.RTLD_NOW);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(
      `Cannot load the SQLite native addon from ${file}: ${reason}. ` +
        `If the data directory is on a filesystem mounted noexec, set AMPYARD_NATIVE_DIR to a directory that allows executables.`,
      { cause: err },
    );
  }
  loadedBinding = mod.exports;
  loadedBindingFile = file;
  removeStaleCopies(dir, file);
  return loadedBinding;
}

/**
 * In a worker thread of the executable: the addon the main thread extracted (`file`, nativeSqliteBindingFile()),
 * loaded here with process.dlopen once; nativeSqliteBinding() returns it from then on.
 */
export function loadExtractedSqliteBinding(file: string): object {
  if (loadedBinding && loadedBindingFile === file) return loadedBinding;
  const mod: { exports: object } = { exports: {} };
  process.dlopen(mod, file, osConstants.dlopen.RTLD_NOW);
  loadedBinding = mod.exports;
  loadedBindingFile = file;
  return loadedBinding;
}

/** Best effort: drop addons left by other Ampyard versions and abandoned temp files (mapped copies stay valid). */
function removeStaleCopies(dir: string, keep: string): void {
  try {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (path === keep || !name.startsWith("better_sqlite3-")) continue;
      if (name.includes(".tmp-")) {
        // may be another process's write in progress: only remove old ones
        if (Date.now() - statSync(path).mtimeMs < 3_600_000) continue;
      } else if (!name.endsWith(".node")) {
        continue;
      }
      safeUnlink(path);
    }
  } catch {
    // ignore
  }
}

/** Writes `content` to `file` unless it already holds exactly that content; atomic via temp file + rename. */
function materialize(file: string, content: Buffer, sha256hex: string): void {
  try {
    const existing = readFileSync(file);
    if (createHash("sha256").update(existing).digest("hex") === sha256hex) return;
  } catch {
    // missing or unreadable: (re)write it
  }
  mkdirSync(dirname(file), { recursive: true, mode: 0o755 });
  const tmp = `${file}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
  const fd = openSync(tmp, fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL, 0o755);
  try {
    let offset = 0;
    while (offset < content.length) offset += writeSync(fd, content, offset, content.length - offset);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    safeUnlink(tmp);
    throw err;
  }
  closeSync(fd);
  try {
    renameSync(tmp, file);
  } catch (err) {
    safeUnlink(tmp);
    throw err;
  }
}

function safeUnlink(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // ignore
  }
}

/**
 * The repository root when running from source (the folder holding package.json and build/).
 * Not meaningful inside the executable, which must use embedded assets instead.
 */
export function projectRoot(): string {
  // This file is <root>/src/platform/sea.ts. In the CommonJS bundle, the build defines import.meta.url
  // as the bundle's own file URL (<root>/build/.sea/main.cjs), which is also two levels below the root.
  return fileURLToPath(new URL("../../", import.meta.url));
}
