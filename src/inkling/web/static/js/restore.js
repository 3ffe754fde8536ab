// Restore page: upload a frame → POST /api/v1/restore (multipart, X-CSRF-Token) → before/after slider
// (the restored image is clipped with CSS clip-path) and a download link. No libraries.
(function () {
  "use strict";
  const form = document.getElementById("restore-form");
  if (!form) return;
  const fileInput = document.getElementById("restore-file");
  const submit = document.getElementById("restore-submit");
  const statusEl = document.getElementById("restore-status");
  const errorEl = document.getElementById("restore-error");
  const result = document.getElementById("restore-result");
  const before = document.getElementById("restore-before");
  const after = document.getElementById("restore-after");
  const line = document.getElementById("restore-line");
  const slider = document.getElementById("restore-slider");
  const download = document.getElementById("restore-download");
  const modelEl = document.getElementById("restore-model");
  const csrf = document.querySelector('meta[name="csrf-token"]');
  let urls = [];

  function split(percent) {
    after.style.clipPath = "inset(0 0 0 " + percent + "%)";
    line.style.left = percent + "%";
  }

  function showError(message) {
    errorEl.textContent = message;
    errorEl.hidden = false;
  }

  slider.addEventListener("input", () => split(slider.value));

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const file = fileInput.files[0];
    if (!file) return;
    errorEl.hidden = true;
    submit.disabled = true;
    statusEl.textContent = "restoring…";
    const body = new FormData();
    body.append("image", file);
    const headers = csrf ? { "X-CSRF-Token": csrf.content } : {};
    try {
      const response = await fetch("/api/v1/restore", { method: "POST", body, headers, credentials: "same-origin" });
      if (!response.ok) {
        let detail = response.status + " " + response.statusText;
        try { detail = (await response.json()).detail || detail; } catch (e) { /* not JSON */ }
        throw new Error(detail);
      }
      const restored = await response.blob();
      urls.forEach((u) => URL.revokeObjectURL(u));
      urls = [URL.createObjectURL(file), URL.createObjectURL(restored)];
      before.src = urls[0];
      after.src = urls[1];
      download.href = urls[1];
      download.download = file.name.replace(/\.[^.]+$/, "") + ".png";
      modelEl.textContent = "model " + (response.headers.get("X-Inkling-Model") || "");
      slider.value = 50;
      split(50);
      result.hidden = false;
      statusEl.textContent = "done";
    } catch (error) {
      statusEl.textContent = "";
      showError("Could not restore the image: " + error.message);
    } finally {
      submit.disabled = false;
    }
  });
})();
