// ORB local features in the browser, as rempart.signals.local computes them for a registered photo:
// grey at a 512×512-pixel working area, one detection of 3000 candidates, 500 chosen over a 6×6
// grid (an equal share per cell, then the strongest left), plus 250 the same way at half scale
// (positions scaled back), described by OpenCV's own ORB (opencv.js). Serialised like
// LocalFeatures.to_bytes: version 1, count (uint16 LE), x/y (uint16 LE) per keypoint, descriptors.
// Differences from the Python side: opencv.js 4.5.2 does not expose the FAST threshold (20 here,
// 10 in Python) or the score type, so soft photos get fewer candidates; descriptors are the same.
"use strict";

const ORB = (() => {
  const WORKING_AREA = 512 * 512, MAX = 500, HALF = 250, GRID = 6, CANDIDATES = 6;

  function ready(seconds = 30) {
    const deadline = Date.now() + seconds * 1000;
    return new Promise((resolve, reject) => {
      const check = () => {
        if (window.cv && cv.Mat) resolve();
        else if (Date.now() > deadline) reject(new Error("opencv.js did not load"));
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
    const orb = new cv.ORB();
    orb.setMaxFeatures(CANDIDATES * limit);
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

  /** The registration form of a photo's local features, as hex (like the Python `orb` signal). */
  async function registered(image) {
    await ready();
    const pixels = PDQ.scaledPixels(image, Math.sqrt(WORKING_AREA / (image.width * image.height)));  // pdq.js loads first
    const width = pixels.width, height = pixels.height;
    const rgba = cv.matFromImageData(pixels);
    const grey = new cv.Mat();
    cv.cvtColor(rgba, grey, cv.COLOR_RGBA2GRAY);
    const half = new cv.Mat();
    cv.resize(grey, half, new cv.Size(Math.max(1, Math.floor(width / 2)), Math.max(1, Math.floor(height / 2))), 0, 0, cv.INTER_AREA);
    const full = extract(grey, MAX), small = extract(half, HALF);
    const sx = width / half.cols, sy = height / half.rows;
    rgba.delete(); grey.delete(); half.delete();
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
