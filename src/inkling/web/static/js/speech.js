/**
 * speech.js — the model talking like a person: "I see… cat, or dog… Oh I know, it's fox!".
 *
 *   import { Speaker } from "/static/js/speech.js";
 *   const voice = new Speaker({ minGapMs: 1000 });
 *   voice.enabled = true;         // off by default; nothing is said while off
 *   voice.guess("cat");           // the model's top guess now: said only when it changed
 *   voice.win("fox");             // "Oh I know, it's fox!" (after what is being said now)
 *   voice.say("Sorry, I couldn't guess it");
 *   voice.reset();                // a new round: forget what was said, drop what waits
 *
 * Rules: speak when the top guess changes, never more than once per `minGapMs` (a guess that waits
 * is replaced by a newer one, so the voice never lags behind the drawing), never cut an utterance off
 * mid-word (no speechSynthesis.cancel() except when switched off). Uses the Web Speech API; where the
 * browser has none (or no voice) it does nothing and throws nothing.
 */

const DEFAULTS = { minGapMs: 1000, rate: 1.05 };

export class Speaker {
  constructor(options = {}) {
    this.options = { ...DEFAULTS, ...options };
    this.enabled = false;
    this.pending = null; // the newest line waiting for its turn
    this.lastAt = -Infinity; // performance.now() when the last line started
    this.lastGuess = null; // the last guess said this round
    this.saidAny = false; // "I see…" first, "or …" after
    this.timer = null;
  }

  get synth() {
    try {
      const synth = window.speechSynthesis;
      return synth && typeof SpeechSynthesisUtterance === "function" ? synth : null;
    } catch {
      return null;
    }
  }

  set enabled(value) {
    const was = this._enabled === true;
    this._enabled = Boolean(value);
    if (was && !this._enabled) { // switched off: stop talking now
      this.pending = null;
      try {
        this.synth?.cancel();
      } catch {
        /* nothing to stop */
      }
    }
  }

  get enabled() {
    return this._enabled;
  }

  /** The model's top guess now; said only when it differs from the last one said. */
  guess(word) {
    if (!word || word === this.lastGuess) return;
    this.lastGuess = word;
    this._queue(this.saidAny ? `or ${word}…` : `I see… ${word}`, false);
    this.saidAny = true;
  }

  /** The model named the word: said as soon as the current line ends, whatever the gap. */
  win(word) {
    this.lastGuess = word;
    this._queue(`Oh I know, it's ${word}!`, true);
  }

  /** Any other line (said after the current one). */
  say(text) {
    this._queue(text, true);
  }

  reset() {
    this.pending = null;
    this.lastGuess = null;
    this.saidAny = false;
  }

  _queue(text, urgent) {
    if (!this.enabled || !this.synth) return;
    this.pending = { text, urgent };
    this._pump();
  }

  _pump() {
    clearTimeout(this.timer);
    this.timer = null;
    const synth = this.synth;
    if (!this.pending || !synth || !this.enabled) return;
    const wait = this.pending.urgent ? 0 : this.options.minGapMs - (performance.now() - this.lastAt);
    if (synth.speaking || synth.pending || wait > 0) {
      this.timer = setTimeout(() => this._pump(), Math.max(wait, 120));
      return;
    }
    const { text } = this.pending;
    this.pending = null;
    this.lastAt = performance.now();
    try {
      const line = new SpeechSynthesisUtterance(text.replaceAll("…", ","));
      line.rate = this.options.rate;
      synth.speak(line);
    } catch {
      /* no voice here: the line on screen is enough */
    }
  }
}
