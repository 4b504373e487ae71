import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const fs = require('fs'); const jpeg = require('jpeg-js'); const { PNG } = require('pngjs');
const [src, dst, x0, y0, w, h] = process.argv.slice(2).map((v, i) => i < 2 ? v : Number(v));
const img = jpeg.decode(fs.readFileSync(src), { useTArray: true });
const png = new PNG({ width: w, height: h });
for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) { const si = ((y + y0) * img.width + x + x0) * 4, di = (y * w + x) * 4; png.data[di] = img.data[si]; png.data[di+1] = img.data[si+1]; png.data[di+2] = img.data[si+2]; png.data[di+3] = 255; }
fs.writeFileSync(dst, PNG.sync.write(png));
