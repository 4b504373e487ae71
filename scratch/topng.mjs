import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const fs = require('fs'); const jpeg = require('jpeg-js'); const { PNG } = require('pngjs');
const [src, dst, scale] = process.argv.slice(2);
const img = jpeg.decode(fs.readFileSync(src), { useTArray: true });
const s = Number(scale || 1); const w = Math.floor(img.width / s), h = Math.floor(img.height / s);
const png = new PNG({ width: w, height: h });
for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) { const si = ((Math.floor(y * s)) * img.width + Math.floor(x * s)) * 4, di = (y * w + x) * 4; png.data[di] = img.data[si]; png.data[di+1] = img.data[si+1]; png.data[di+2] = img.data[si+2]; png.data[di+3] = 255; }
fs.writeFileSync(dst, PNG.sync.write(png));
