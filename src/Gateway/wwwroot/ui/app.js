// The status page: every file with its progress, a file's details with its controls (pause, cancel, retry) and its
// report, an upload form, the switch for all delivery, and live charts (charts.js). It polls the gateway's own API;
// with an API key set, it asks for the key once (kept in a cookie).
"use strict";

const $ = (id) => document.getElementById(id);
const refreshEvery = 2000;
let detailId = null;
let deliveryPaused = false;
let budget = null; // the cluster's, per second, as /delivery last said
let clusterChart, fileChart;

async function api(path, options = {}) {
  const response = await fetch(path, { credentials: "same-origin", ...options });
  if (response.status === 401) {
    showKeyForm(true);
    throw new Error("an API key is needed");
  }
  if (!response.ok) {
    let detail = `${response.status} ${response.statusText}`;
    try { detail = (await response.json()).detail || detail; } catch { /* not JSON */ }
    throw new Error(detail);
  }
  return response.status === 204 ? null : response.json();
}

function showKeyForm(show) {
  $("key-form").hidden = !show;
  $("forget-key").hidden = show;
}

function cell(row, text, className) {
  const td = row.insertCell();
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

function bar(progress, deadShare) {
  const outer = document.createElement("div");
  outer.className = "bar";
  const done = document.createElement("div");
  done.style.width = `${Math.round(progress * 100)}%`;
  outer.append(done);
  if (deadShare > 0) {
    const dead = document.createElement("div");
    dead.className = "dead";
    dead.style.left = `${Math.round((progress - deadShare) * 100)}%`;
    dead.style.width = `${Math.max(1, Math.round(deadShare * 100))}%`;
    outer.append(dead);
  }
  return outer;
}

// Share of the file settled (delivered, dead or a duplicate row) once it is all read; while reading, bytes read.
function progressOf(f) {
  const distinct = f.valid - f.duplicateRows;
  if (f.status === "Completed") return 1;
  if (f.status === "Reading" || distinct <= 0) return f.progress || 0;
  return f.progress * (f.delivered + f.deadLettered) / distinct;
}

const eta = (s) => s == null ? "" : s < 90 ? `${Math.round(s)} s` : `${Math.round(s / 60)} min`;

async function refreshFiles() {
  try {
    const files = await api("/files?limit=100");
    clusterChart.add(Date.now(), files, budget);
    showKeyForm(false);
    $("files-error").textContent = "";
    const body = $("files").tBodies[0];
    body.replaceChildren();
    for (const f of files) {
      const row = body.insertRow();
      row.dataset.fileId = f.fileId;
      row.dataset.status = f.status;
      const link = document.createElement("a");
      link.href = `#file=${f.fileId}`;
      link.textContent = f.name;
      row.insertCell().append(link);
      cell(row, f.status, `status ${f.status}`);
      const distinct = Math.max(1, f.valid - f.duplicateRows);
      row.insertCell().append(bar(progressOf(f), f.deadLettered / distinct));
      cell(row, `${f.delivered.toLocaleString()} / ${(f.valid - f.duplicateRows).toLocaleString()}`);
      cell(row, f.deadLettered.toLocaleString(), f.deadLettered > 0 ? "error" : "");
      cell(row, f.invalid.toLocaleString());
      cell(row, `${f.rate.toLocaleString()}/s`);
      cell(row, eta(f.etaSeconds));
    }
    $("files-empty").hidden = files.length > 0;
  } catch (error) {
    $("files-error").textContent = `Files could not be read: ${error.message}`;
  }
}

function fillTable(table, rows, values) {
  const body = table.tBodies[0];
  body.replaceChildren();
  for (const r of rows) {
    const row = body.insertRow();
    for (const v of values(r)) cell(row, v ?? "");
  }
}

async function refreshDetail() {
  if (!detailId) return;
  try {
    const f = await api(`/files/${detailId}`);
    if (f.fileId === detailId) fileChart.add(Date.now(), [f]);
    $("file-detail").hidden = false;
    $("detail-name").textContent = f.name;
    $("detail-status").textContent = f.status;
    $("detail-status").className = `status ${f.status}`;
    $("detail-id").textContent = f.fileId;
    const distinct = Math.max(1, f.valid - f.duplicateRows);
    $("detail-bar").style.width = `${Math.round(progressOf(f) * 100)}%`;
    const counts = {
      rows: f.rows, valid: f.valid, invalid: f.invalid, "duplicate rows": f.duplicateRows, delivered: f.delivered,
      "dead letters": f.deadLettered, pending: f.pending, "rate (alerts/s)": f.rate, ETA: eta(f.etaSeconds),
      "read": `${Math.round(f.progress * 100)} %`, "settled": `${Math.round((f.delivered + f.deadLettered) / distinct * 100)} %`,
      priority: f.priority.toLowerCase(),
    };
    if (f.notBefore) counts["not before"] = new Date(f.notBefore).toLocaleString();
    const list = $("detail-counts");
    list.replaceChildren();
    for (const [name, value] of Object.entries(counts)) {
      const dt = document.createElement("dt");
      dt.textContent = name;
      const dd = document.createElement("dd");
      dd.textContent = typeof value === "number" ? value.toLocaleString() : value;
      dd.dataset.count = name;
      const pair = document.createElement("div"); // a grid cell per pair: a label never wraps away from its value
      pair.append(dt, dd);
      list.append(pair);
    }
    $("detail-warning").hidden = !f.warning;
    $("detail-warning").textContent = f.warning || "";
    $("detail-error").hidden = !f.error;
    $("detail-error").textContent = f.error || "";
    $("retry-button").disabled = f.deadLettered === 0;
    const active = ["Reading", "Delivering", "Paused", "Scheduled"].includes(f.status);
    $("pause-button").hidden = !active;
    $("cancel-button").hidden = !active;
    $("pause-button").textContent = f.status === "Paused" ? "Resume this file" : "Pause this file";
    $("report-link").href = `/files/${f.fileId}/report`;
    fillTable($("dead-letters"), f.deadLetters, (d) => [d.line, d.httpStatus, d.error]);
    fillTable($("invalid-rows"), f.invalidRows, (r) => [r.line, r.reason]);
  } catch (error) {
    $("detail-error").hidden = false;
    $("detail-error").textContent = `This file could not be read: ${error.message}`;
  }
}

function route() {
  const match = /^#file=([0-9a-f]{64})$/.exec(location.hash);
  detailId = match ? match[1] : null;
  fileChart.reset();
  $("retry-result").textContent = "";
  $("file-detail").hidden = !detailId;
  refreshDetail();
}

async function upload(event) {
  event.preventDefault();
  const form = new FormData();
  form.append("file", $("upload-file").files[0]);
  if ($("upload-message").value) form.append("alertMessage", $("upload-message").value);
  if ($("upload-force").checked) form.append("force", "true");
  if ($("upload-at").value) form.append("notBefore", new Date($("upload-at").value).toISOString()); // the browser's local time
  if ($("upload-priority").value === "high") form.append("priority", "high");
  $("upload-result").textContent = "Uploading…";
  try {
    const accepted = await api("/upload", { method: "POST", body: form });
    $("upload-result").textContent = accepted.alreadyKnown
      ? `${accepted.name} was sent before: not sent again (tick the box to send it anyway).`
      : `${accepted.name} accepted.`;
    location.hash = `file=${accepted.fileId}`;
    refreshFiles();
  } catch (error) {
    $("upload-result").textContent = `Upload failed: ${error.message}`;
  }
}

async function saveKey(event) {
  event.preventDefault();
  try {
    await api("/session", { method: "POST", headers: { "X-Api-Key": $("api-key").value } });
    $("key-error").textContent = "";
    $("api-key").value = "";
    showKeyForm(false);
    refreshFiles();
    refreshDetail();
  } catch (error) {
    $("key-error").textContent = error.message;
  }
}

function showDelivery(d) {
  deliveryPaused = d.paused;
  budget = d.budget;
  const state = $("delivery-state");
  state.dataset.paused = d.paused;
  state.textContent = d.paused ? `Delivery paused since ${new Date(d.pausedAt).toLocaleTimeString()}: nothing is sent.`
    : d.endpointDown ? "The webhook is down: alerts wait for it."
    : `Delivering at up to ${Math.round(d.rate)}/s (budget ${Math.round(d.budget)}/s).`;
  $("delivery-switch").textContent = d.paused ? "Resume delivery" : "Pause all delivery";
  const sending = d.silos.reduce((sum, s) => sum + s.sentPerSecond, 0);
  fillTable($("silos"), d.silos, (s) => [s.silo, s.sentPerSecond.toLocaleString(), s.answeredPerSecond.toLocaleString(),
    s.activeUsers.toLocaleString(), sending > 0 ? `${Math.round(s.sentPerSecond / sending * 100)} %` : ""]);
  $("delivery-switch").hidden = false;
}

async function refreshDelivery() {
  try {
    showDelivery(await api("/delivery"));
  } catch { /* the files list shows what is wrong */ }
}

async function switchDelivery() {
  try {
    showDelivery(await api(deliveryPaused ? "/delivery/resume" : "/delivery/pause", { method: "POST" }));
  } catch (error) {
    $("delivery-state").textContent = `Could not ${deliveryPaused ? "resume" : "pause"} delivery: ${error.message}`;
  }
}

async function pauseOrResumeFile() {
  const resuming = $("pause-button").textContent.startsWith("Resume");
  try {
    await api(`/files/${detailId}/${resuming ? "resume" : "pause"}`, { method: "POST" });
    refreshDetail();
  } catch (error) {
    $("retry-result").textContent = `Could not ${resuming ? "resume" : "pause"} the file: ${error.message}`;
  }
}

async function cancelFile() {
  if (!confirm("Cancel this file? Alerts not yet sent will never be sent. This cannot be undone.")) return;
  try {
    const f = await api(`/files/${detailId}/cancel`, { method: "POST" });
    $("retry-result").textContent = `Cancelled after ${f.delivered.toLocaleString()} delivered.`;
    refreshDetail();
  } catch (error) {
    $("retry-result").textContent = `Could not cancel the file: ${error.message}`;
  }
}

async function retry() {
  try {
    const result = await api(`/files/${detailId}/retry`, { method: "POST" });
    $("retry-result").textContent = `${result.requeued} dead letter(s) requeued.`;
    refreshDetail();
  } catch (error) {
    $("retry-result").textContent = `Retry failed: ${error.message}`;
  }
}

document.addEventListener("DOMContentLoaded", () => {
  clusterChart = new DeliveryChart($("cluster-chart"), true);
  fileChart = new DeliveryChart($("file-chart"), false);
  $("upload").addEventListener("submit", upload);
  $("key").addEventListener("submit", saveKey);
  $("retry-button").addEventListener("click", retry);
  $("pause-button").addEventListener("click", pauseOrResumeFile);
  $("cancel-button").addEventListener("click", cancelFile);
  $("delivery-switch").addEventListener("click", switchDelivery);
  $("forget-key").addEventListener("click", async () => {
    await fetch("/session", { method: "DELETE" });
    showKeyForm(true);
  });
  window.addEventListener("hashchange", route);
  route();
  refreshFiles();
  refreshDelivery();
  setInterval(() => { refreshFiles(); refreshDetail(); refreshDelivery(); }, refreshEvery);
});
