// Restore page: upload a frame → POST /api/v1/restore (multipart, X-CSRF-Token) → before/after slider
// (the restored image is clipped with CSS clip-path) and a download link. No libraries. The file is
// checked here first (type, bytes, pixel size, shape: the server's limits), an error is one plain
// sentence, and a new upload clears the previous result.
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
  const MAX_BYTES = 10 * 1024 * 1024; // the server's limits (POST /api/v1/restore)
  const MAX_PIXELS = 4096 * 4096;
  const MIN_SIDE = 16;
  const MAX_RATIO = 16;
  const SAYS = {
    400: "That file is not a readable image.",
    413: "That image is too large: up to 10 MB and 4096×4096 pixels.",
    415: "Only PNG or JPEG images can be restored.",
    422: "That image is too small or too thin: each side needs 16 pixels, and the long side at most 16 times the short one.",
    503: "The restorer is busy: try again in a few seconds.",
  };

  function clearResult() {
    result.hidden = true;
    errorEl.hidden = true;
    errorEl.textContent = "";
    statusEl.textContent = "";
    urls.forEach((u) => URL.revokeObjectURL(u));
    urls = [];
  }

  function sizeOf(file) {
    return new Promise((resolve) => {
      const url = URL.createObjectURL(file);
      const img = new Image();
      img.onload = () => {
        resolve({ width: img.naturalWidth, height: img.naturalHeight });
        URL.revokeObjectURL(url);
      };
      img.onerror = () => {
        resolve(null);
        URL.revokeObjectURL(url);
      };
      img.src = url;
    });
  }

  async function problemWith(file) {
    if (!["image/png", "image/jpeg"].includes(file.type)) return SAYS[415];
    if (file.size === 0) return "That file is empty.";
    if (file.size > MAX_BYTES) return SAYS[413];
    const size = await sizeOf(file);
    if (!size) return SAYS[400];
    const { width, height } = size;
    if (width * height > MAX_PIXELS) return SAYS[413];
    if (Math.min(width, height) < MIN_SIDE || Math.max(width, height) > MAX_RATIO * Math.min(width, height)) return SAYS[422];
    return null;
  }

  fileInput.addEventListener("change", clearResult);

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
    clearResult();
    if (!file) {
      showError("Choose a PNG or JPEG frame first.");
      return;
    }
    const problem = await problemWith(file);
    if (problem) {
      showError(problem);
      return;
    }
    submit.disabled = true;
    statusEl.textContent = "restoring…";
    const body = new FormData();
    body.append("image", file);
    const headers = csrf ? { "X-CSRF-Token": csrf.content } : {};
    try {
      const response = await fetch("/api/v1/restore", { method: "POST", body, headers, credentials: "same-origin" });
      if (!response.ok) throw new Error(SAYS[response.status] || "The restorer could not restore that image.");
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
      showError(error instanceof TypeError ? "The server could not be reached: try again." : error.message);
    } finally {
      submit.disabled = false;
    }
  });
})();
