/**
 * inkpad.js — a drawing pad on a <canvas> that records Quick, Draw! raw ink. No libraries.
 *
 *   import { InkPad } from "/static/js/inkpad.js";
 *   const pad = new InkPad(canvas, {
 *     onStrokeStart(ink) {},       // a stroke began (ink holds the new stroke's first point)
 *     onStrokeEnd(ink) {},         // a stroke ended: send the drawing to the model now
 *     onTick(ink) {},              // every `tickMs` (default 250) while a stroke is in progress
 *     onChange(ink) {},            // after undo(), clear() or setInk()
 *     tickMs: 250, lineWidth: 4, color: "#1d1d1f", background: "#fff", maxPoints: 20000,
 *   });
 *
 * Ink is `[[xs, ys, ts], ...]`, one entry per stroke: x and y in the canvas's CSS pixels
 * (0,0 = top left, 0.1 px precision, independent of devicePixelRatio), t in whole milliseconds since
 * the first point of the drawing (the first point is t = 0; clear() restarts the clock). Callbacks get
 * a fresh copy that includes the stroke in progress.
 *
 * Methods and properties:
 *   pad.ink            a copy of the drawing (with the stroke in progress, if any)
 *   pad.strokeCount    strokes drawn (with the one in progress)
 *   pad.pointCount     points over all strokes
 *   pad.isEmpty        no stroke yet
 *   pad.drawing        a stroke is in progress
 *   pad.elapsedMs()    ms since the drawing's first point (null before it): the clock of `ts`
 *   pad.undo()         remove the last stroke (ends a stroke in progress first)
 *   pad.clear()        remove everything and restart the clock
 *   pad.setInk(ink)    show a given drawing (e.g. to replay one)
 *   pad.adopt(event)   start a stroke from a pointerdown that hit another element lying over the canvas
 *                      (e.g. a button on a card): the canvas captures that pointer and the stroke counts
 *   pad.disable()      stop taking ink (a stroke in progress ends, with onStrokeEnd); pad.enable()
 *   pad.enabled        whether it takes ink
 *   pad.destroy()      remove listeners and timers
 *
 * Input: Pointer Events, so mouse, pen and touch all draw; the canvas gets `touch-action: none` so a
 * finger draws instead of scrolling; one pointer at a time; coalesced events are used when the
 * browser offers them, so fast strokes keep their shape. Rendering is high-DPI aware (the backing
 * store follows devicePixelRatio and the element's size) and smooths strokes with quadratic curves
 * through the midpoints of successive points.
 */

const DEFAULTS = {
  tickMs: 250, // onTick period while a stroke is in progress
  lineWidth: 4, // CSS pixels
  color: "#1d1d1f",
  background: "#fff", // null: transparent
  maxPoints: 20000, // points beyond this are ignored (the server refuses more: inkling.ink.MAX_POINTS)
  onStrokeStart: null,
  onStrokeEnd: null,
  onTick: null,
  onChange: null,
};

const round1 = (v) => Math.round(v * 10) / 10;

export class InkPad {
  /** A pad on `canvas` with `options` (see the header). */
  constructor(canvas, options = {}) {
    this.canvas = canvas;
    this.options = { ...DEFAULTS, ...options };
    this.ctx = canvas.getContext("2d");
    this.strokes = []; // finished strokes, [[xs, ys, ts], ...]
    this.current = null; // the stroke in progress
    this.pointerId = null;
    this.t0 = null; // performance.now() of the drawing's first point
    this.timer = null;
    this.enabled = true;
    this.points = 0;
    canvas.style.touchAction = "none";
    canvas.style.userSelect = "none";
    this._handlers = {
      pointerdown: (e) => this._down(e),
      pointermove: (e) => this._move(e),
      pointerup: (e) => this._up(e),
      pointercancel: (e) => this._up(e),
      lostpointercapture: (e) => this._up(e),
      contextmenu: (e) => e.preventDefault(),
    };
    for (const [name, handler] of Object.entries(this._handlers)) canvas.addEventListener(name, handler);
    this._resizeObserver = typeof ResizeObserver === "function" ? new ResizeObserver(() => this._resize()) : null;
    if (this._resizeObserver) this._resizeObserver.observe(canvas);
    this._resize();
  }

  get ink() {
    const all = this.current ? [...this.strokes, this.current] : this.strokes;
    return all.map((s) => [s[0].slice(), s[1].slice(), s[2].slice()]);
  }

  get strokeCount() {
    return this.strokes.length + (this.current ? 1 : 0);
  }

  get pointCount() {
    return this.points;
  }

  get isEmpty() {
    return this.strokeCount === 0;
  }

  get drawing() {
    return this.current !== null;
  }

  elapsedMs() {
    return this.t0 === null ? null : Math.round(performance.now() - this.t0);
  }

  undo() {
    this._finish(false);
    const removed = this.strokes.pop();
    if (removed) this.points -= removed[0].length;
    if (this.strokes.length === 0) this.t0 = null;
    this._redraw();
    this._emit("onChange");
  }

  clear() {
    this._finish(false);
    this.strokes = [];
    this.points = 0;
    this.t0 = null;
    this._redraw();
    this._emit("onChange");
  }

  setInk(ink) {
    this._finish(false);
    this.strokes = (ink || []).map((s) => [Array.from(s[0]), Array.from(s[1]), Array.from(s[2] || s[0].map(() => 0))]);
    this.points = this.strokes.reduce((n, s) => n + s[0].length, 0);
    this.t0 = this.strokes.length ? performance.now() - Math.max(0, ...this.strokes.map((s) => s[2].at(-1))) : null;
    this._redraw();
    this._emit("onChange");
  }

  adopt(event) {
    this._down(event);
  }

  disable() {
    this._finish(true);
    this.enabled = false;
    this.canvas.classList.add("inkpad-disabled");
  }

  enable() {
    this.enabled = true;
    this.canvas.classList.remove("inkpad-disabled");
  }

  destroy() {
    this._finish(false);
    for (const [name, handler] of Object.entries(this._handlers)) this.canvas.removeEventListener(name, handler);
    if (this._resizeObserver) this._resizeObserver.disconnect();
  }

  // --- input ---------------------------------------------------------------------------------------

  _point(event) {
    const rect = this.canvas.getBoundingClientRect();
    const now = performance.now();
    if (this.t0 === null) this.t0 = now;
    // event.timeStamp shares performance.now()'s clock in every current browser
    const stamp = event.timeStamp > 0 && event.timeStamp <= now + 1 ? event.timeStamp : now;
    return [round1(event.clientX - rect.left), round1(event.clientY - rect.top), Math.max(0, Math.round(stamp - this.t0))];
  }

  _down(event) {
    if (!this.enabled || this.current !== null || (event.pointerType === "mouse" && event.button !== 0)) return;
    if (this.points >= this.options.maxPoints) return;
    event.preventDefault();
    this.pointerId = event.pointerId;
    try {
      this.canvas.setPointerCapture(event.pointerId);
    } catch {
      /* synthetic events cannot be captured */
    }
    const [x, y, t] = this._point(event);
    this.current = [[x], [y], [t]];
    this.points += 1;
    this._dot(x, y);
    this._emit("onStrokeStart");
    if (this.options.onTick) this.timer = setInterval(() => this._emit("onTick"), this.options.tickMs);
  }

  _move(event) {
    if (this.current === null || event.pointerId !== this.pointerId) return;
    event.preventDefault();
    const events = typeof event.getCoalescedEvents === "function" ? event.getCoalescedEvents() : [];
    for (const e of events.length ? events : [event]) this._add(this._point(e));
  }

  _up(event) {
    if (this.current === null || event.pointerId !== this.pointerId) return;
    if (event.type === "pointerup") this._add(this._point(event));
    this._finish(true);
  }

  _add([x, y, t]) {
    const s = this.current;
    const n = s[0].length;
    if (s[0][n - 1] === x && s[1][n - 1] === y) return; // the pointer did not move
    if (this.points >= this.options.maxPoints) return;
    s[0].push(x);
    s[1].push(y);
    s[2].push(Math.max(t, s[2][n - 1])); // times never step back within a stroke
    this.points += 1;
    this._segment(s, n);
  }

  _finish(notify) {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    if (this.current === null) return;
    if (this.pointerId !== null && this.canvas.hasPointerCapture?.(this.pointerId)) {
      try {
        this.canvas.releasePointerCapture(this.pointerId);
      } catch {
        /* already released */
      }
    }
    this._tail(this.current);
    this.strokes.push(this.current);
    this.current = null;
    this.pointerId = null;
    if (notify) this._emit("onStrokeEnd");
  }

  _emit(name) {
    const callback = this.options[name];
    if (typeof callback === "function") callback(this.ink);
  }

  // --- rendering -----------------------------------------------------------------------------------

  _resize() {
    const ratio = window.devicePixelRatio || 1;
    const width = this.canvas.clientWidth || this.canvas.width;
    const height = this.canvas.clientHeight || this.canvas.height;
    const w = Math.round(width * ratio);
    const h = Math.round(height * ratio);
    if (this.canvas.width !== w || this.canvas.height !== h || this._ratio !== ratio) {
      this.canvas.width = w;
      this.canvas.height = h;
      this._ratio = ratio;
    }
    this.ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    this._redraw();
  }

  _style() {
    const ctx = this.ctx;
    ctx.strokeStyle = this.options.color;
    ctx.fillStyle = this.options.color;
    ctx.lineWidth = this.options.lineWidth;
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
  }

  _redraw() {
    const ctx = this.ctx;
    const ratio = this._ratio || 1;
    ctx.save();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    if (this.options.background) {
      ctx.fillStyle = this.options.background;
      ctx.fillRect(0, 0, this.canvas.width, this.canvas.height);
    }
    ctx.restore();
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    const all = this.current ? [...this.strokes, this.current] : this.strokes;
    for (const s of all) this._path(s);
  }

  _dot(x, y) {
    this._style();
    this.ctx.beginPath();
    this.ctx.arc(x, y, this.options.lineWidth / 2, 0, Math.PI * 2);
    this.ctx.fill();
  }

  _path(s) {
    const [xs, ys] = s;
    if (xs.length === 1) return this._dot(xs[0], ys[0]);
    this._style();
    const ctx = this.ctx;
    ctx.beginPath();
    ctx.moveTo(xs[0], ys[0]);
    for (let i = 1; i < xs.length - 1; i++) {
      ctx.quadraticCurveTo(xs[i], ys[i], (xs[i] + xs[i + 1]) / 2, (ys[i] + ys[i + 1]) / 2);
    }
    ctx.lineTo(xs.at(-1), ys.at(-1));
    ctx.stroke();
  }

  /** Draw the new piece of a stroke in progress: from the previous midpoint, curving through point n-1. */
  _segment(s, n) {
    const [xs, ys] = s;
    const ctx = this.ctx;
    this._style();
    ctx.beginPath();
    const mx = (xs[n - 1] + xs[n]) / 2;
    const my = (ys[n - 1] + ys[n]) / 2;
    if (n === 1) {
      ctx.moveTo(xs[0], ys[0]);
      ctx.lineTo(mx, my);
    } else {
      ctx.moveTo((xs[n - 2] + xs[n - 1]) / 2, (ys[n - 2] + ys[n - 1]) / 2);
      ctx.quadraticCurveTo(xs[n - 1], ys[n - 1], mx, my);
    }
    ctx.stroke();
  }

  /** Finish a stroke's drawing: the straight half-segment from the last midpoint to the last point. */
  _tail(s) {
    const [xs, ys] = s;
    const n = xs.length - 1;
    if (n < 1) return;
    this._style();
    this.ctx.beginPath();
    this.ctx.moveTo((xs[n - 1] + xs[n]) / 2, (ys[n - 1] + ys[n]) / 2);
    this.ctx.lineTo(xs[n], ys[n]);
    this.ctx.stroke();
  }
}
