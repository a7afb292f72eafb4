/// The web page served at `/`: verify two photos, identify a photo against the gallery, and browse,
/// enrol, rename and delete subjects.
///
/// One self-contained document (no external scripts, styles or fonts, so it works offline) that talks
/// to the JSON API under `/api/v1` with `fetch`, sending the API key typed in its header as `x-api-key`.
/// Boxes are drawn on a canvas in the photo's own pixel coordinates, scaled to the canvas.
enum WebPage {
    /// The page's HTML.
    static let html: String = #"""
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>FaceKit</title>
<style>
  :root { --ink: #1d2330; --muted: #5b6475; --line: #d8dce4; --accent: #2b6cb0; --good: #1f7a3f; --bad: #b42318; --bg: #f6f7f9; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); background: var(--bg); }
  header { display: flex; flex-wrap: wrap; gap: 12px; align-items: center; padding: 12px 20px; background: #fff; border-bottom: 1px solid var(--line); }
  header h1 { font-size: 19px; margin: 0 16px 0 0; }
  nav button { border: 0; background: none; padding: 8px 12px; font: inherit; color: var(--muted); cursor: pointer; border-radius: 6px; }
  nav button[aria-selected="true"] { background: #e8eef7; color: var(--accent); font-weight: 600; }
  .key { margin-left: auto; display: flex; gap: 6px; align-items: center; color: var(--muted); font-size: 13px; }
  .key input { width: 220px; }
  main { max-width: 1100px; margin: 0 auto; padding: 20px; }
  section[hidden] { display: none; }
  .card { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 16px; margin-bottom: 16px; }
  .row { display: flex; flex-wrap: wrap; gap: 16px; }
  .row > .card { flex: 1 1 320px; }
  input, button.primary, button.small { font: inherit; padding: 7px 10px; border: 1px solid var(--line); border-radius: 6px; background: #fff; }
  button.primary { background: var(--accent); border-color: var(--accent); color: #fff; cursor: pointer; }
  button.small { padding: 3px 8px; font-size: 13px; cursor: pointer; }
  button:disabled { opacity: .55; cursor: progress; }
  canvas { display: block; max-width: 100%; max-height: 340px; width: auto; height: auto; margin-top: 10px; background: #eef0f3; border-radius: 6px; }
  .verdict { font-size: 22px; font-weight: 700; margin: 4px 0; }
  .verdict.same { color: var(--good); } .verdict.different { color: var(--bad); }
  .muted { color: var(--muted); font-size: 13px; }
  .error { color: var(--bad); white-space: pre-wrap; }
  table { width: 100%; border-collapse: collapse; }
  th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); }
  td.actions { white-space: nowrap; text-align: right; }
  label { display: block; margin: 6px 0 4px; font-weight: 600; font-size: 14px; }
</style>
</head>
<body>
<header>
  <h1>FaceKit</h1>
  <nav role="tablist">
    <button role="tab" data-tab="verify" aria-selected="true">Verify</button>
    <button role="tab" data-tab="identify" aria-selected="false">Identify</button>
    <button role="tab" data-tab="subjects" aria-selected="false">Subjects</button>
  </nav>
  <div class="key"><span>API key</span><input id="api-key" type="password" autocomplete="off" placeholder="not needed on loopback"></div>
</header>
<main>
  <section id="tab-verify">
    <div class="row">
      <div class="card"><label for="verify-image1">First photo</label><input id="verify-image1" type="file" accept="image/jpeg,image/png"><canvas id="verify-canvas1" width="0" height="0"></canvas></div>
      <div class="card"><label for="verify-image2">Second photo</label><input id="verify-image2" type="file" accept="image/jpeg,image/png"><canvas id="verify-canvas2" width="0" height="0"></canvas></div>
    </div>
    <div class="card">
      <button id="verify-run" class="primary">Compare</button>
      <div id="verify-verdict" class="verdict" aria-live="polite"></div>
      <div id="verify-details" class="muted"></div>
      <div id="verify-error" class="error"></div>
    </div>
  </section>

  <section id="tab-identify" hidden>
    <div class="card">
      <label for="identify-image">Photo</label><input id="identify-image" type="file" accept="image/jpeg,image/png">
      <button id="identify-run" class="primary">Identify</button>
      <canvas id="identify-canvas" width="0" height="0"></canvas>
      <div id="identify-results" aria-live="polite"></div>
      <div id="identify-error" class="error"></div>
    </div>
  </section>

  <section id="tab-subjects" hidden>
    <div class="card">
      <label for="enroll-name">Enrol a person</label>
      <div class="row" style="gap:8px; align-items:center">
        <input id="enroll-name" placeholder="Name">
        <input id="enroll-images" type="file" accept="image/jpeg,image/png" multiple>
        <button id="enroll-run" class="primary">Enrol</button>
      </div>
      <div id="enroll-result" class="muted"></div>
      <div id="enroll-error" class="error"></div>
    </div>
    <div class="card">
      <div class="row" style="justify-content:space-between; align-items:center">
        <strong id="subjects-summary">Subjects</strong>
        <span><button id="subjects-previous" class="small">Previous</button> <button id="subjects-next" class="small">Next</button></span>
      </div>
      <table><thead><tr><th>Name</th><th>Faces</th><th>Updated</th><th></th></tr></thead><tbody id="subjects-list"></tbody></table>
      <div id="subjects-error" class="error"></div>
    </div>
  </section>
</main>
<script>
"use strict";
const $ = (id) => document.getElementById(id);
const pageSize = 50;
let subjectsOffset = 0;

$("api-key").value = localStorage.getItem("facekit-api-key") || "";
$("api-key").addEventListener("change", () => localStorage.setItem("facekit-api-key", $("api-key").value.trim()));

for (const tab of document.querySelectorAll("nav button")) {
  tab.addEventListener("click", () => {
    for (const other of document.querySelectorAll("nav button")) {
      const selected = other === tab;
      other.setAttribute("aria-selected", String(selected));
      $("tab-" + other.dataset.tab).hidden = !selected;
    }
    if (tab.dataset.tab === "subjects") loadSubjects();
  });
}

/** Calls the API; resolves to the JSON body, or throws an Error carrying the envelope's code and message. */
async function api(method, path, body) {
  const headers = {};
  const key = $("api-key").value.trim();
  if (key) headers["x-api-key"] = key;
  if (body && !(body instanceof FormData)) { headers["content-type"] = "application/json"; body = JSON.stringify(body); }
  let response;
  try { response = await fetch("/api/v1" + path, { method, headers, body }); }
  catch (failure) { throw new Error("the server cannot be reached (" + failure.message + ")"); }
  const text = await response.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch (_) { /* not JSON: reported below */ }
  if (!response.ok) {
    const error = json && json.error ? json.error : { code: "HTTP_" + response.status, message: (text || response.statusText).slice(0, 200) };
    const failure = new Error(error.code + ": " + error.message);
    failure.code = error.code;
    failure.body = json;
    throw failure;
  }
  return json;
}

function busy(button, on) { button.disabled = on; }
function showError(id, error) { $(id).textContent = error ? String(error.message || error) : ""; }
function formatDistance(value) { return Number(value).toFixed(3); }

/** Draws a photo on a canvas of at most 480×340 px, with labelled boxes in the photo's own pixel coordinates. */
function drawPhoto(canvas, file, boxes) {
  return new Promise((resolve, reject) => {
    const image = new Image();
    image.onload = () => {
      const scale = Math.min(1, 480 / image.naturalWidth, 340 / image.naturalHeight);
      canvas.width = Math.round(image.naturalWidth * scale);
      canvas.height = Math.round(image.naturalHeight * scale);
      const context = canvas.getContext("2d");
      context.drawImage(image, 0, 0, canvas.width, canvas.height);
      context.lineWidth = 3;
      context.font = "bold 14px system-ui, sans-serif";
      for (const { box, label, colour } of boxes || []) {
        context.strokeStyle = colour;
        context.strokeRect(box.x * scale, box.y * scale, box.width * scale, box.height * scale);
        if (label) {
          const width = context.measureText(label).width + 8;
          const top = Math.max(0, box.y * scale - 20);
          context.fillStyle = colour;
          context.fillRect(box.x * scale, top, width, 20);
          context.fillStyle = "#fff";
          context.fillText(label, box.x * scale + 4, top + 15);
        }
      }
      URL.revokeObjectURL(image.src);
      resolve();
    };
    image.onerror = () => reject(new Error("the browser cannot show this image"));
    image.src = URL.createObjectURL(file);
  });
}

for (const index of [1, 2]) {
  $("verify-image" + index).addEventListener("change", (event) => {
    const file = event.target.files[0];
    if (file) drawPhoto($("verify-canvas" + index), file, []).catch((error) => showError("verify-error", error));
  });
}

$("verify-run").addEventListener("click", async () => {
  const first = $("verify-image1").files[0], second = $("verify-image2").files[0];
  showError("verify-error", null);
  $("verify-verdict").textContent = ""; $("verify-verdict").className = "verdict"; $("verify-details").textContent = "";
  if (!first || !second) { showError("verify-error", "Choose two photos."); return; }
  const form = new FormData();
  form.append("image1", first); form.append("image2", second);
  busy($("verify-run"), true);
  try {
    const result = await api("POST", "/verify", form);
    const colour = result.same_person ? "#1f7a3f" : "#b42318";
    await drawPhoto($("verify-canvas1"), first, [{ box: result.faces.image1.box, colour }]);
    await drawPhoto($("verify-canvas2"), second, [{ box: result.faces.image2.box, colour }]);
    $("verify-verdict").textContent = result.same_person ? "Same person" : "Different people";
    $("verify-verdict").className = "verdict " + (result.same_person ? "same" : "different");
    $("verify-details").innerHTML = "";
    $("verify-details").append(
      "Distance ", Object.assign(document.createElement("span"), { id: "verify-distance", textContent: formatDistance(result.distance) }),
      " (threshold " + formatDistance(result.threshold) + "; faces found: " + result.faces_found.image1 + " and " + result.faces_found.image2 +
      (result.timing_ms ? "; " + Math.round(result.timing_ms.total) + " ms" : "") + ")");
  } catch (error) { showError("verify-error", error); }
  finally { busy($("verify-run"), false); }
});

$("identify-image").addEventListener("change", (event) => {
  const file = event.target.files[0];
  if (file) drawPhoto($("identify-canvas"), file, []).catch((error) => showError("identify-error", error));
});

$("identify-run").addEventListener("click", async () => {
  const file = $("identify-image").files[0];
  showError("identify-error", null);
  $("identify-results").textContent = "";
  if (!file) { showError("identify-error", "Choose a photo."); return; }
  const form = new FormData();
  form.append("image", file);
  busy($("identify-run"), true);
  try {
    const result = await api("POST", "/identify", form);
    const boxes = result.faces.map((face) => face.unknown
      ? { box: face.box, label: "unknown", colour: "#b42318" }
      : { box: face.box, label: face.candidates[0].subject + " " + formatDistance(face.candidates[0].distance), colour: "#1f7a3f" });
    await drawPhoto($("identify-canvas"), file, boxes);
    const list = document.createElement("ol");
    for (const face of result.faces) {
      const item = document.createElement("li");
      item.className = "identify-face";
      item.textContent = (face.unknown ? "unknown" : face.candidates[0].subject) +
        (face.candidates.length ? " — candidates: " + face.candidates.map((c) => c.subject + " " + formatDistance(c.distance)).join(", ") : " — the gallery is empty");
      list.append(item);
    }
    $("identify-results").append(result.faces.length ? list : "No face found.");
  } catch (error) { showError("identify-error", error); }
  finally { busy($("identify-run"), false); }
});

$("enroll-run").addEventListener("click", async () => {
  const name = $("enroll-name").value.trim(), files = [...$("enroll-images").files];
  showError("enroll-error", null);
  $("enroll-result").textContent = "";
  if (!name || !files.length) { showError("enroll-error", "Give a name and at least one photo."); return; }
  const form = new FormData();
  for (const file of files) form.append("image", file);
  busy($("enroll-run"), true);
  try {
    const result = await api("POST", "/subjects/" + encodeURIComponent(name) + "/faces", form);
    report(result);
    loadSubjects();
  } catch (error) {
    if (error.body && error.body.results) report(error.body); else showError("enroll-error", error);
  } finally { busy($("enroll-run"), false); }

  function report(result) {
    const done = result.results.filter((entry) => entry.face).length;
    $("enroll-result").textContent = "Enrolled " + done + " of " + result.results.length + " photos for " + result.subject + ".";
    const failures = result.results.filter((entry) => entry.error)
      .map((entry) => (entry.filename || "photo " + (entry.index + 1)) + ": " + entry.error.message);
    showError("enroll-error", failures.length ? failures.join("\n") : null);
  }
});

async function loadSubjects() {
  showError("subjects-error", null);
  try {
    const page = await api("GET", "/subjects?offset=" + subjectsOffset + "&limit=" + pageSize);
    const body = $("subjects-list");
    body.textContent = "";
    for (const subject of page.subjects) {
      const row = body.insertRow();
      row.insertCell().textContent = subject.name;
      row.insertCell().textContent = subject.faces;
      row.insertCell().textContent = new Date(subject.updated).toLocaleString();
      const actions = row.insertCell();
      actions.className = "actions";
      actions.append(button("Rename", () => renameSubject(subject.name)), " ", button("Delete", () => deleteSubject(subject.name)));
    }
    const last = Math.min(page.total, subjectsOffset + page.subjects.length);
    $("subjects-summary").textContent = page.total ? "Subjects " + (subjectsOffset + 1) + "–" + last + " of " + page.total : "No subjects yet";
    $("subjects-previous").disabled = subjectsOffset === 0;
    $("subjects-next").disabled = last >= page.total;
  } catch (error) { showError("subjects-error", error); }
}

function button(text, action) {
  const element = document.createElement("button");
  element.className = "small";
  element.textContent = text;
  element.addEventListener("click", action);
  return element;
}

async function renameSubject(name) {
  const newName = prompt("New name for " + name, name);
  if (!newName || newName === name) return;
  try { await api("PATCH", "/subjects/" + encodeURIComponent(name), { name: newName }); loadSubjects(); }
  catch (error) { showError("subjects-error", error); }
}

async function deleteSubject(name) {
  if (!confirm("Delete " + name + " and all their faces?")) return;
  try { await api("DELETE", "/subjects/" + encodeURIComponent(name)); loadSubjects(); }
  catch (error) { showError("subjects-error", error); }
}

$("subjects-previous").addEventListener("click", () => { subjectsOffset = Math.max(0, subjectsOffset - pageSize); loadSubjects(); });
$("subjects-next").addEventListener("click", () => { subjectsOffset += pageSize; loadSubjects(); });
</script>
</body>
</html>
"""#
}
