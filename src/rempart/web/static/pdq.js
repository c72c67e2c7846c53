// PDQ (Meta's perceptual hash) in the browser: the reference algorithm, written for Rempart.
// Luma → two passes of Jarosz box filters → 64×64 decimation → 16×16 DCT (without DC) →
// bits above the median; quality from the 64×64 gradient sum. Hex as python-threatexchange
// writes it (bit 0 first, most significant bit of the first byte). The 8 dihedral hashes come
// from the DCT of the 8 rotations/mirrors of the 64×64 buffer.
"use strict";

const PDQ = (() => {
  const LUMA = [0.299, 0.587, 0.114];

  function luma(rgba, count) {
    const out = new Float32Array(count);
    for (let i = 0, k = 0; i < count; i++, k += 4) {
      out[i] = LUMA[0] * rgba[k] + LUMA[1] * rgba[k + 1] + LUMA[2] * rgba[k + 2];
    }
    return out;
  }

  function box1D(input, output, offset, length, stride, fullWindow) {
    const half = Math.floor((fullWindow + 2) / 2);
    const phase1 = half - 1, phase2 = fullWindow - half + 1, phase3 = length - fullWindow, phase4 = half - 1;
    let li = offset, ri = offset, oi = offset, sum = 0, size = 0;
    for (let i = 0; i < phase1; i++) { sum += input[ri]; size++; ri += stride; }
    for (let i = 0; i < phase2; i++) { sum += input[ri]; size++; output[oi] = sum / size; ri += stride; oi += stride; }
    for (let i = 0; i < phase3; i++) { sum += input[ri]; sum -= input[li]; output[oi] = sum / size; li += stride; ri += stride; oi += stride; }
    for (let i = 0; i < phase4; i++) { sum -= input[li]; size--; output[oi] = sum / size; li += stride; oi += stride; }
  }

  function jarosz(buffer, rows, cols) {
    const temp = new Float32Array(buffer.length);
    const alongRows = Math.floor((cols + 127) / 128), alongCols = Math.floor((rows + 127) / 128);
    for (let rep = 0; rep < 2; rep++) {
      for (let i = 0; i < rows; i++) box1D(buffer, temp, i * cols, cols, 1, alongRows);
      for (let j = 0; j < cols; j++) box1D(temp, buffer, j, rows, cols, alongCols);
    }
  }

  function decimate(buffer, rows, cols) {
    const out = new Float32Array(64 * 64);
    for (let i = 0; i < 64; i++) {
      const ini = Math.floor(((i + 0.5) * rows) / 64);
      for (let j = 0; j < 64; j++) {
        const inj = Math.floor(((j + 0.5) * cols) / 64);
        out[i * 64 + j] = buffer[ini * cols + inj];
      }
    }
    return out;
  }

  function quality(b) {
    let sum = 0;
    for (let i = 0; i < 63; i++) for (let j = 0; j < 64; j++) sum += Math.abs(Math.trunc(((b[i * 64 + j] - b[(i + 1) * 64 + j]) * 100) / 255));
    for (let i = 0; i < 64; i++) for (let j = 0; j < 63; j++) sum += Math.abs(Math.trunc(((b[i * 64 + j] - b[i * 64 + j + 1]) * 100) / 255));
    return Math.min(100, Math.floor(sum / 90));
  }

  const DCT = (() => {
    const m = new Float32Array(16 * 64);
    const scale = Math.sqrt(2 / 64);
    for (let i = 0; i < 16; i++) for (let j = 0; j < 64; j++) m[i * 64 + j] = scale * Math.cos((Math.PI / 2 / 64) * (i + 1) * (2 * j + 1));
    return m;
  })();

  function dct16(b) {
    const t = new Float32Array(16 * 64);
    for (let i = 0; i < 16; i++) for (let j = 0; j < 64; j++) {
      let s = 0;
      for (let k = 0; k < 64; k++) s += DCT[i * 64 + k] * b[k * 64 + j];
      t[i * 64 + j] = s;
    }
    const out = new Float32Array(256);
    for (let i = 0; i < 16; i++) for (let j = 0; j < 16; j++) {
      let s = 0;
      for (let k = 0; k < 64; k++) s += t[i * 64 + k] * DCT[j * 64 + k];
      out[i * 16 + j] = s;
    }
    return out;
  }

  function toHex(coefficients) {
    const sorted = Array.from(coefficients).sort((a, b) => a - b);
    const median = sorted[127];  // torben median of 256 values: the lower middle
    const bytes = new Uint8Array(32);
    // python-threatexchange order: reference bit k = coefficient k; the hex is the reference's
    // 16-bit words from the last to the first, each most significant bit first.
    for (let k = 0; k < 256; k++) {
      if (coefficients[k] > median) {
        const word = 15 - (k >> 4), bit = k & 15;
        bytes[word * 2 + (bit >= 8 ? 0 : 1)] |= 1 << (bit & 7);
      }
    }
    return Array.from(bytes, (x) => x.toString(16).padStart(2, "0")).join("");
  }

  function transform(b, name) {
    const out = new Float32Array(64 * 64);
    for (let i = 0; i < 64; i++) for (let j = 0; j < 64; j++) {
      let si = i, sj = j;
      switch (name) {
        case "rotate90": si = j; sj = 63 - i; break;
        case "rotate180": si = 63 - i; sj = 63 - j; break;
        case "rotate270": si = 63 - j; sj = i; break;
        case "flip_x": si = 63 - i; break;
        case "flip_y": sj = 63 - j; break;
        case "flip_plus1": si = j; sj = i; break;
        case "flip_minus1": si = 63 - j; sj = 63 - i; break;
      }
      out[i * 64 + j] = b[si * 64 + sj];
    }
    return out;
  }

  const VARIANTS = ["original", "rotate90", "rotate180", "rotate270", "flip_x", "flip_y", "flip_plus1", "flip_minus1"];

  /** PDQ of RGBA pixels (width × height): {hex, quality}, or with dihedral=true a list of {variant, hex, quality}. */
  function hashRGBA(rgba, width, height, dihedral = false) {
    const buffer = luma(rgba, width * height);
    jarosz(buffer, height, width);
    const small = decimate(buffer, height, width);
    const q = quality(small);
    if (!dihedral) return { hex: toHex(dct16(small)), quality: q };
    return VARIANTS.map((variant) => ({ variant, hex: toHex(dct16(transform(small, variant))), quality: q }));
  }

  /** An image (or bitmap) drawn at ``scale`` (high-quality smoothing): its ImageData. Shared with orb.js. */
  function scaledPixels(image, scale) {
    const width = Math.max(1, Math.round(image.width * scale)), height = Math.max(1, Math.round(image.height * scale));
    const canvas = document.createElement("canvas");
    canvas.width = width; canvas.height = height;
    const context = canvas.getContext("2d", { willReadFrequently: true });
    context.imageSmoothingQuality = "high";
    context.drawImage(image, 0, 0, width, height);
    return context.getImageData(0, 0, width, height);
  }

  /** Draw an image (or bitmap) scaled to fit maxSide and hash it. */
  function hashImage(image, maxSide = 512, dihedral = false) {
    const pixels = scaledPixels(image, Math.min(1, maxSide / Math.max(image.width, image.height)));
    return hashRGBA(pixels.data, pixels.width, pixels.height, dihedral);
  }

  return { hashRGBA, hashImage, scaledPixels, VARIANTS };
})();
