// Restore page, video part: upload a clip → POST /api/v1/jobs/restore (a background job) → poll its
// status (progress bar) → download link. The job id is kept in the address (#job=...), so a reload or
// a server restart does not lose it. No libraries.
(function () {
  "use strict";
  const form = document.getElementById("video-form");
  if (!form) return;
  const fileInput = document.getElementById("video-file");
  const submit = document.getElementById("video-submit");
  const bar = document.getElementById("video-progress");
  const statusEl = document.getElementById("video-status");
  const errorEl = document.getElementById("video-error");
  const result = document.getElementById("video-result");
  const download = document.getElementById("video-download");
  const csrf = document.querySelector('meta[name="csrf-token"]');
  const MAX_BYTES = 64 * 1024 * 1024; // the server's limit
  const POLL_MS = 1500;

  function fail(message) {
    errorEl.textContent = message;
    errorEl.hidden = false;
    statusEl.textContent = "";
    bar.hidden = true;
    submit.disabled = false;
  }

  async function poll(id) {
    let job;
    try {
      const response = await fetch("/api/v1/jobs/restore/" + encodeURIComponent(id));
      if (response.status === 404) return fail("That job is unknown to the server.");
      if (!response.ok) return setTimeout(() => poll(id), POLL_MS * 2);
      job = await response.json();
    } catch (e) {
      return setTimeout(() => poll(id), POLL_MS * 2);
    }
    bar.hidden = false;
    bar.value = job.progress;
    if (job.status === "done") {
      statusEl.textContent = "Done: " + job.frames_total + " frames.";
      download.href = job.download_url;
      result.hidden = false;
      submit.disabled = false;
      return;
    }
    if (job.status === "failed") return fail("The restoration failed: " + (job.error || "unknown error"));
    statusEl.textContent = job.status === "queued" ? "Waiting for the restorer…"
      : "Restoring: frame " + job.frames_done + " of " + job.frames_total;
    setTimeout(() => poll(id), POLL_MS);
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    errorEl.hidden = true;
    result.hidden = true;
    const file = fileInput.files[0];
    if (!file) return fail("Choose a clip first.");
    if (file.size > MAX_BYTES) return fail("That clip is too large: up to 64 MB.");
    submit.disabled = true;
    statusEl.textContent = "Uploading…";
    const body = new FormData();
    body.append("file", file);
    const headers = csrf ? { "X-CSRF-Token": csrf.content } : {};
    let response;
    try {
      response = await fetch("/api/v1/jobs/restore", { method: "POST", body, headers });
    } catch (e) {
      return fail("The upload did not reach the server.");
    }
    const answer = await response.json().catch(() => ({}));
    if (response.status !== 202) return fail(typeof answer.detail === "string" ? answer.detail : "The clip was refused.");
    location.hash = "job=" + answer.id;
    poll(answer.id);
  });

  const match = /job=([\w-]+)/.exec(location.hash);
  if (match) poll(match[1]);
})();
