// Trunk's post-build hook (Trunk.toml): finishes the staged build before
// Trunk moves it into dist/.
//
// 1. The Content-Security-Policy in index.html allows inline scripts only by
//    their hash. Trunk writes one, the loader that imports the wasm-bindgen
//    module and starts the wasm, and its text names this build's hashed
//    files, so its hash is only known now: the placeholder
//    __INLINE_SCRIPT_HASHES__ in the policy becomes 'sha256-…' of each
//    inline script.
// 2. The offline worker (sw.js) must know this build's files: the
//    placeholder __SPAN_ANNOTATOR_BUILD__ in it becomes
//    {"id": …, "files": {"<path>": "sha256-…", …}}, every file of the build
//    but the worker itself, with the digest the worker checks at install.
//    The id is a digest of that list, so a build that changes any file
//    changes the worker, and browsers install the new one.
//
// Runs with Node.js (already needed for npm); reads TRUNK_STAGING_DIR, which
// Trunk sets for hooks. Any surprise fails the build rather than shipping a
// page that its own policy would block.
import { createHash } from "node:crypto";
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join, relative, sep } from "node:path";

const staging = process.env.TRUNK_STAGING_DIR;
if (!staging) {
  throw new Error("TRUNK_STAGING_DIR is not set: run this as Trunk's post_build hook");
}
const indexPath = join(staging, "index.html");
const workerPath = join(staging, "sw.js");

const sha256 = (bytes) => `sha256-${createHash("sha256").update(bytes).digest("base64")}`;

/** Replaces the one `placeholder` in `text`, failing unless there is exactly one. */
const fill = (text, placeholder, value, file) => {
  const parts = text.split(placeholder);
  if (parts.length !== 2) {
    throw new Error(`${file} holds ${parts.length - 1} ${placeholder}, expected 1`);
  }
  return parts.join(value);
};

// The text of each <script> without a src, as a browser hashes it: HTML
// parsing turns CRLF and lone CR into LF before the script sees its text.
const html = readFileSync(indexPath, "utf8");
const inline = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi)]
  .filter(([, attributes]) => !/\bsrc\s*=/i.test(attributes))
  .map(([, , text]) => text.replace(/\r\n?/g, "\n"));
if (inline.length === 0) {
  throw new Error("index.html has no inline script: where is Trunk's loader?");
}
const hashes = inline.map((text) => `'${sha256(Buffer.from(text, "utf8"))}'`).join(" ");
writeFileSync(indexPath, fill(html, "__INLINE_SCRIPT_HASHES__", hashes, "index.html"));

const files = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? files(join(dir, entry.name)) : [join(dir, entry.name)],
  );
const listed = Object.fromEntries(
  files(staging)
    .filter((path) => path !== workerPath)
    .map((path) => [relative(staging, path).split(sep).join("/"), sha256(readFileSync(path))])
    .sort(([a], [b]) => (a < b ? -1 : 1)),
);
const id = createHash("sha256").update(JSON.stringify(listed)).digest("hex").slice(0, 16);
const worker = readFileSync(workerPath, "utf8");
const build = JSON.stringify({ id, files: listed });
writeFileSync(workerPath, fill(worker, "__SPAN_ANNOTATOR_BUILD__", build, "sw.js"));
console.log(`post-build: ${inline.length} inline script hash(es); build ${id}, ${Object.keys(listed).length} files for the offline worker`);
