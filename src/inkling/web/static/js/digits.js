// The digit pad: Pointer Events (mouse, pen, touch) → raw ink [[xs, ys, ts], ...] → POST /api/v1/digits/predict
// after every stroke; shows the digit, its confidence and a bar per digit. No libraries.
(function () {
  "use strict";
  const canvas = document.getElementById("digit-canvas");
  if (!canvas) return;
  const ctx = canvas.getContext("2d");
  const guessEl = document.getElementById("digit-guess");
  const confidenceEl = document.getElementById("digit-confidence");
  const modelEl = document.getElementById("digit-model");
  const errorEl = document.getElementById("digit-error");
  const bars = Array.from(document.querySelectorAll("#digit-bars li"));
  // with a session cookie the API needs the page's CSRF token (drawings are stored as the session's user)
  const csrf = document.querySelector('meta[name="csrf-token"]')?.content || "";
  let strokes = [];
  let current = null;
  let t0 = null;
  let pending = 0;

  function reset() {
    ctx.fillStyle = "#000";
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    strokes = [];
    current = null;
    t0 = null;
    guessEl.textContent = "–";
    confidenceEl.textContent = "draw something";
    modelEl.textContent = "";
    errorEl.hidden = true;
    show(new Array(10).fill(0), -1);
  }

  function point(event) {
    const rect = canvas.getBoundingClientRect();
    const x = ((event.clientX - rect.left) * canvas.width) / rect.width;
    const y = ((event.clientY - rect.top) * canvas.height) / rect.height;
    if (t0 === null) t0 = event.timeStamp;
    // times in ms since the first point, to 0.1 ms (what the captcha's timing checks look at)
    return [Math.round(x * 10) / 10, Math.round(y * 10) / 10, Math.round((event.timeStamp - t0) * 10) / 10];
  }

  function add(p) {
    const [xs, ys, ts] = current;
    const last = xs.length - 1;
    xs.push(p[0]); ys.push(p[1]); ts.push(Math.max(p[2], last >= 0 ? ts[last] : 0));
    ctx.strokeStyle = "#fff";
    ctx.lineWidth = 18;
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    ctx.beginPath();
    ctx.moveTo(xs[Math.max(0, last)], ys[Math.max(0, last)]);
    ctx.lineTo(p[0], p[1]);
    ctx.stroke();
  }

  canvas.addEventListener("pointerdown", (event) => {
    event.preventDefault();
    canvas.setPointerCapture(event.pointerId);
    current = [[], [], []];
    add(point(event));
  });
  canvas.addEventListener("pointermove", (event) => {
    if (!current) return;
    const events = event.getCoalescedEvents ? event.getCoalescedEvents() : [event];
    for (const e of events.length ? events : [event]) add(point(e));
  });
  function end(event) {
    if (!current) return;
    add(point(event));
    strokes.push(current);
    current = null;
    predict();
  }
  canvas.addEventListener("pointerup", end);
  canvas.addEventListener("pointercancel", end);
  document.getElementById("digit-clear").addEventListener("click", reset);

  function show(probabilities, best) {
    bars.forEach((li, digit) => {
      const p = probabilities[digit] || 0;
      li.querySelector(".bar-fill").style.width = (100 * p).toFixed(1) + "%";
      li.querySelector(".bar-value").textContent = (100 * p).toFixed(1) + "%";
      li.classList.toggle("best", digit === best);
    });
  }

  async function predict() {
    const ticket = ++pending;
    try {
      const response = await fetch("/api/v1/digits/predict", {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
        body: JSON.stringify({ ink: strokes }),
      });
      const body = await response.json();
      if (ticket !== pending) return; // a newer stroke already asked
      if (!response.ok) throw new Error(body.detail || response.statusText);
      errorEl.hidden = true;
      guessEl.textContent = String(body.digit);
      confidenceEl.textContent = (100 * body.confidence).toFixed(1) + " % sure";
      modelEl.textContent = "model " + body.model;
      show(body.probabilities, body.digit);
    } catch (error) {
      errorEl.textContent = "Could not predict: " + error.message;
      errorEl.hidden = false;
    }
  }

  reset();
})();
