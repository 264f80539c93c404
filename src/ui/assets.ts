// The admin UI's static files.
// Inside the executable they are SEA assets named `web/<path>` (e.g. `web/index.html`, `web/assets/app.js`);
// from source they are read from `<repo>/build/web/` (written by `node scripts/build/web.ts`).

import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { join, sep } from "node:path";
import { isSea, projectRoot, seaAsset } from "../platform/sea.ts";

export interface UiAsset {
  body: Buffer;
  contentType: string;
  /**
   * True when the URL names this exact content, so it may be cached forever (`Cache-Control: immutable`):
   * either the file name carries a content hash, or the query has `v=<hex prefix of the body's sha256>`
   * (as written by scripts/build/web.ts: `/assets/app.js?v=3f9a1c2b7d`). Otherwise serve it with `no-cache`.
   */
  immutable: boolean;
}

const CONTENT_TYPES: Record<string, string> = {
  html: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  mjs: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
  svg: "image/svg+xml",
  png: "image/png",
  ico: "image/x-icon",
  json: "application/json; charset=utf-8",
  map: "application/json; charset=utf-8",
  webmanifest: "application/manifest+json; charset=utf-8",
  woff2: "font/woff2",
  txt: "text/plain; charset=utf-8",
};

export function contentTypeFor(path: string): string {
  const dot = path.lastIndexOf(".");
  const ext = dot >= 0 ? path.slice(dot + 1).toLowerCase() : "";
  return CONTENT_TYPES[ext] ?? "application/octet-stream";
}

// Content-hashed file names: app-3f9a1c2b.js, chunk.5d41402abc4b2a76.css (hex), app-X7K3ZQ2M.js (esbuild's [hash]).
const HASHED_NAME = /[.-](?:[0-9a-f]{8,64}|[A-Z2-7]{8})\.[a-z0-9]+$/;

/**
 * Normalizes a URL path to a relative file path under the UI root ("index.html", "assets/app.js"),
 * or returns undefined if it is invalid or tries to escape the root.
 */
export function uiAssetPath(urlPath: string): string | undefined {
  let path = urlPath;
  const cut = path.search(/[?#]/);
  if (cut >= 0) path = path.slice(0, cut);
  try {
    path = decodeURIComponent(path);
  } catch {
    return undefined;
  }
  if (path.includes("\0") || path.includes("\\")) return undefined;
  if (!path.startsWith("/")) path = `/${path}`;
  if (path.endsWith("/")) path += "index.html";
  const segments = path.slice(1).split("/");
  for (const segment of segments) {
    if (segment === "" || segment === "." || segment === "..") return undefined;
  }
  return segments.join("/");
}

interface CacheEntry {
  asset: UiAsset;
  sha256: string;
  mtimeMs: number;
  size: number;
}

const cache = new Map<string, CacheEntry>();

function makeAsset(rel: string, body: Buffer): UiAsset {
  const name = rel.slice(rel.lastIndexOf("/") + 1);
  return { body, contentType: contentTypeFor(rel), immutable: rel !== "index.html" && HASHED_NAME.test(name) };
}

let sourceRoot: string | undefined;

function sha256hex(body: Buffer): string {
  return createHash("sha256").update(body).digest("hex");
}

function readFromSource(rel: string): CacheEntry | undefined {
  sourceRoot ??= join(projectRoot(), "build", "web");
  const file = join(sourceRoot, ...rel.split("/"));
  if (!file.startsWith(sourceRoot + sep)) return undefined;
  let st;
  try {
    st = statSync(file);
  } catch {
    return undefined;
  }
  if (!st.isFile()) return undefined;
  const hit = cache.get(rel);
  // From source the UI may be rebuilt while the server runs: re-read when the file changed.
  if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return hit;
  let body: Buffer;
  try {
    body = readFileSync(file);
  } catch {
    return undefined;
  }
  const asset = makeAsset(rel, body);
  const entry = { asset, sha256: sha256hex(body), mtimeMs: st.mtimeMs, size: st.size };
  cache.set(rel, entry);
  return entry;
}

function readFromSea(rel: string): CacheEntry | undefined {
  const hit = cache.get(rel);
  if (hit) return hit;
  const body = seaAsset(`web/${rel}`);
  if (!body) return undefined;
  const entry = { asset: makeAsset(rel, body), sha256: sha256hex(body), mtimeMs: 0, size: body.length };
  cache.set(rel, entry);
  return entry;
}

/**
 * The UI file for a request path ("/" is index.html), or undefined if there is none.
 * The path may include the query string (pass it to get `immutable` for `?v=<hash>` URLs).
 * Paths that try to leave the UI root are rejected (undefined). Results are cached in memory.
 */
export function readUiAsset(urlPath: string): UiAsset | undefined {
  const rel = uiAssetPath(urlPath);
  if (rel === undefined) return undefined;
  const entry = isSea() ? readFromSea(rel) : readFromSource(rel);
  if (!entry) return undefined;
  if (!entry.asset.immutable && rel !== "index.html") {
    const version = /[?&]v=([0-9a-f]{8,64})(?:&|#|$)/.exec(urlPath)?.[1];
    if (version && entry.sha256.startsWith(version)) return { ...entry.asset, immutable: true };
  }
  return entry.asset;
}
