// Precompress the built assets (Brotli and gzip at their highest levels) so the server can send
// them as they are to browsers that accept them. Run after `vite build`.
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const ASSETS = new URL("../dist/assets/", import.meta.url).pathname;
const COMPRESSIBLE = /\.(js|css|svg|json|html|txt|map)$/;
const MIN_BYTES = 1024;

let before = 0;
let after = 0;
for (const name of readdirSync(ASSETS)) {
  const path = join(ASSETS, name);
  if (!COMPRESSIBLE.test(name) || statSync(path).size < MIN_BYTES) continue;
  const data = readFileSync(path);
  const brotli = brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } });
  writeFileSync(`${path}.br`, brotli);
  writeFileSync(`${path}.gz`, gzipSync(data, { level: 9 }));
  before += data.length;
  after += brotli.length;
}
console.log(`precompressed assets: ${Math.round(before / 1024)} KB -> ${Math.round(after / 1024)} KB (brotli)`);
