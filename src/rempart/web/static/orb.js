// ORB local features in the browser, as rempart.signals.local computes them for a registered photo:
// grey at a 512×512-pixel working area, one detection of 3000 candidates, 500 chosen over a 6×6
// grid (an equal share per cell, then the strongest left), plus 250 the same way at half scale
// (positions scaled back), described by OpenCV's own ORB (opencv.js 4.12) with the Python side's
// parameters: 8 levels at 1.2, FAST score, FAST threshold 10. On the same grey pixels it finds the
// same keypoints as Python's OpenCV, descriptors within a bit or two; what differs is only the
// pixels (the browser's JPEG decoder and canvas scaling). Serialised like LocalFeatures.to_bytes:
// version 1, count (uint16 LE), x/y (uint16 LE) per keypoint, descriptors.
"use strict";

const ORB = (() => {
  const WORKING_AREA = 512 * 512, MAX = 500, HALF = 250, GRID = 6, CANDIDATES = 6;
  const DECODE_SIDE = 512;  // settings.jpeg_draft_size
  const LEVELS = 8, SCALE = 1.2, EDGE = 31, PATCH = 31, FAST_THRESHOLD = 10;  // as rempart.signals.local

  // A blocked or failed download says so at once (else the deadline below decides).
  let loadFailed = false;
  const tag = document.querySelector('script[src*="opencv"]');
  if (tag) tag.addEventListener("error", () => { loadFailed = true; });

  function ready(seconds = 30) {
    const deadline = Date.now() + seconds * 1000;
    return new Promise((resolve, reject) => {
      const check = () => {
        if (window.cv && cv.Mat) resolve();
        else if (loadFailed || Date.now() > deadline) reject(new Error("opencv.js did not load"));
        else setTimeout(check, 50);
      };
      check();
    });
  }

  function spread(points, shape, limit) {
    const [height, width] = shape;
    const cells = new Map();
    points.forEach((p, index) => {
      const cx = Math.min(GRID - 1, Math.floor((p.x * GRID) / width)), cy = Math.min(GRID - 1, Math.floor((p.y * GRID) / height));
      const key = cy * GRID + cx;
      if (!cells.has(key)) cells.set(key, []);
      cells.get(key).push(index);
    });
    if (!cells.size) return [];
    const share = Math.max(1, Math.floor(limit / cells.size));
    const chosen = [], rest = [];
    for (const key of [...cells.keys()].sort((a, b) => a - b)) {
      const members = cells.get(key).sort((a, b) => points[b].response - points[a].response);
      chosen.push(...members.slice(0, share));
      rest.push(...members.slice(share));
    }
    rest.sort((a, b) => points[b].response - points[a].response);
    return chosen.slice(0, limit).concat(rest.slice(0, Math.max(0, limit - chosen.length)));
  }

  function extract(grey, limit) {
    // ORB::create(nfeatures, scaleFactor, nlevels, edgeThreshold, firstLevel, WTA_K, scoreType, patchSize, fastThreshold)
    const orb = new cv.ORB(CANDIDATES * limit, SCALE, LEVELS, EDGE, 0, 2, cv.ORB_ScoreType.FAST_SCORE, PATCH, FAST_THRESHOLD);
    const found = new cv.KeyPointVector();
    orb.detect(grey, found);
    const points = [];
    for (let i = 0; i < found.size(); i++) { const k = found.get(i); points.push({ x: k.pt.x, y: k.pt.y, response: k.response, keypoint: k }); }
    const chosen = new cv.KeyPointVector();
    for (const index of spread(points, [grey.rows, grey.cols], limit)) chosen.push_back(points[index].keypoint);
    const descriptors = new cv.Mat();
    orb.compute(grey, chosen, descriptors);
    const xy = [];
    for (let i = 0; i < chosen.size(); i++) { const k = chosen.get(i); xy.push([k.pt.x, k.pt.y]); }
    const bytes = descriptors.rows ? new Uint8Array(descriptors.data) : new Uint8Array(0);
    orb.delete(); found.delete(); chosen.delete(); descriptors.delete();
    return { xy, bytes };
  }

  /** cv.resize to width × height: a whole-factor area step to within 2×, then bilinear (media/scale.py's resize_to). */
  function resizeTo(grey, width, height) {
    let source = grey;
    const factor = Math.min(Math.floor(grey.cols / Math.max(1, width)), Math.floor(grey.rows / Math.max(1, height)));
    if (factor >= 2) {
      source = new cv.Mat();
      cv.resize(grey, source, new cv.Size(Math.floor(grey.cols / factor), Math.floor(grey.rows / factor)), 0, 0, cv.INTER_AREA);
    }
    const out = new cv.Mat();
    cv.resize(source, out, new cv.Size(width, height), 0, 0, cv.INTER_LINEAR);
    if (source !== grey) source.delete();
    return out;
  }

  /** Grey pixels at the working area, reduced as the Python side decodes: a JPEG at libjpeg's
   *  1/2, 1/4 or 1/8 scale keeping both sides ≥ 512 (Pillow's draft), another image by a whole
   *  box factor keeping the short side ≥ 512; then media/scale.py's resize to 512² pixels. */
  function workingGrey(image, jpeg) {
    const pixels = PDQ.scaledPixels(image, 1);  // pdq.js loads first
    const rgba = cv.matFromImageData(pixels);
    const full = new cv.Mat();
    cv.cvtColor(rgba, full, cv.COLOR_RGBA2GRAY);
    rgba.delete();
    const w = full.cols, h = full.rows;
    const whole = Math.floor(Math.min(w, h) / DECODE_SIDE);
    const factor = jpeg ? [8, 4, 2].find((s) => whole >= s) ?? 1 : whole;  // libjpeg scales by 1/2, 1/4 or 1/8 only
    let reduced = full;
    if (factor >= 2) {
      reduced = new cv.Mat();
      cv.resize(full, reduced, new cv.Size(Math.ceil(w / factor), Math.ceil(h / factor)), 0, 0, cv.INTER_AREA);
      full.delete();
    }
    const scale = Math.sqrt(WORKING_AREA / (reduced.cols * reduced.rows));
    const grey = resizeTo(reduced, Math.max(1, Math.round(reduced.cols * scale)), Math.max(1, Math.round(reduced.rows * scale)));
    reduced.delete();
    return grey;
  }

  /** The registration form of a photo's local features, as hex (like the Python `orb` signal). */
  async function registered(image, jpeg = false) {
    await ready();
    const grey = workingGrey(image, jpeg);
    const width = grey.cols, height = grey.rows;
    const half = resizeTo(grey, Math.max(1, Math.floor(width / 2)), Math.max(1, Math.floor(height / 2)));
    const full = extract(grey, MAX), small = extract(half, HALF);
    const sx = width / half.cols, sy = height / half.rows;
    grey.delete(); half.delete();
    const xy = full.xy.concat(small.xy.map(([x, y]) => [x * sx, y * sy]));
    const count = xy.length;
    const out = new Uint8Array(3 + count * 36);
    const view = new DataView(out.buffer);
    view.setUint8(0, 1);
    view.setUint16(1, count, true);
    xy.forEach(([x, y], i) => {
      view.setUint16(3 + i * 4, Math.min(65535, Math.max(0, Math.round(x))), true);
      view.setUint16(5 + i * 4, Math.min(65535, Math.max(0, Math.round(y))), true);
    });
    out.set(full.bytes, 3 + count * 4);
    out.set(small.bytes, 3 + count * 4 + full.bytes.length);
    return Array.from(out, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  return { registered, ready };
})();
