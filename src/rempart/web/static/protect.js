// The /protect page: fingerprints are computed here, in the browser; only they are sent.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  let prepared = [];

  async function sha256Hex(buffer) {
    const digest = await crypto.subtle.digest("SHA-256", buffer);
    return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
  }

  async function fingerprint(file, number) {
    const bytes = await file.arrayBuffer();
    const bitmap = await createImageBitmap(new Blob([bytes]));
    const values = [{ signal: "sha256", value: await sha256Hex(bytes), quality: null, variant: "original" }];
    for (const h of PDQ.hashImage(bitmap, 512, true)) values.push({ signal: "pdq", value: h.hex, quality: h.quality, variant: h.variant });
    try {  // local features find crops, screenshots and photos of screens; PDQ alone does not
      const jpeg = new Uint8Array(bytes, 0, 3).join() === "255,216,255";  // decoded as the Python side decodes JPEGs
      values.push({ signal: "orb", value: await ORB.registered(bitmap, jpeg), quality: null, variant: "original" });
    } catch (error) {  // opencv.js unavailable: SHA-256 and PDQ still protect exact-ish copies; she is told
      $("no-local").hidden = false;
    }
    const result = { rempart_fingerprint: 1, source: `photo-${number}`, kind: "image", width: bitmap.width, height: bitmap.height, values };
    bitmap.close();
    return result;
  }

  // One line per photo: a preview made by this browser (a blob: URL, never sent) and its state.
  const STATES = {
    working: ["computing…", "calcul…"],
    ready: ["ready", "prête"],
    failed: ["could not be read", "illisible"],
  };
  function progressItem(file) {
    const item = document.createElement("li");
    const thumb = document.createElement("img");
    thumb.className = "thumb";
    thumb.alt = "";
    thumb.src = URL.createObjectURL(file);
    const state = document.createElement("span");
    state.className = "state";
    state.dataset.state = "working";
    for (const [name, [en, fr]] of Object.entries(STATES)) {
      for (const [lang, text] of [["en", en], ["fr", fr]]) {
        const label = document.createElement("span");
        label.className = `${lang} ${name}`;
        label.textContent = text;
        state.append(label);
      }
    }
    item.append(thumb, state);
    $("progress").append(item);
    return state;
  }

  $("photos").addEventListener("change", async (event) => {
    prepared = [];
    $("send").disabled = true;
    $("prepared").hidden = true;
    for (const old of $("progress").querySelectorAll("img.thumb")) URL.revokeObjectURL(old.src);
    $("progress").replaceChildren();
    const files = Array.from(event.target.files).slice(0, 50);
    $("thumbs-note").hidden = files.length === 0;
    const states = files.map(progressItem);
    let failed = 0;
    for (const [index, file] of files.entries()) {
      try {
        prepared.push(await fingerprint(file, index + 1));
        states[index].dataset.state = "ready";
      } catch (error) {
        failed += 1;
        states[index].dataset.state = "failed";
      }
    }
    $("count").textContent = String(prepared.length);
    $("failed").textContent = String(failed);
    $("prepared").hidden = false;
    $("send").disabled = prepared.length === 0;
  });

  $("send").addEventListener("click", async () => {
    $("send").disabled = true;
    const response = await fetch("protect/cases", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ fingerprints: prepared, minor: $("minor").checked }) });
    if (!response.ok) { $("error").hidden = false; $("send").disabled = false; return; }
    const answer = await response.json();
    prepared = [];
    $("case-number").textContent = answer.case;
    $("case-secret").textContent = answer.secret;
    $("registered").hidden = false;
  });

  async function manage(action) {
    const fields = { case: $("manage-case").value, secret: $("manage-secret").value };
    if (action === "withdraw") fields.delete_evidence = $("delete-evidence").checked;
    const body = JSON.stringify(fields);
    const response = await fetch(`protect/${action}`, { method: "POST", headers: { "Content-Type": "application/json" }, body });
    const answer = response.ok ? await response.json() : null;
    $("manage-result").dataset.state = answer ? (answer.withdrawn ? "withdrawn" : "active") : "unknown";
    $("manage-photos").textContent = answer ? String(answer.photos) : "–";
  }
  $("status").addEventListener("click", () => manage("status"));
  $("withdraw").addEventListener("click", () => manage("withdraw"));
})();
