/**
 * captcha.js — the sign-up captcha: "Draw the digit 7" on an InkPad, "Check" sends the timed ink to
 * POST /api/v1/captcha/{id}/solve, and the one-time pass goes into the hidden form field captcha_pass.
 *
 * A challenge comes from POST /api/v1/captcha when the page loads. A wrong drawing clears the pad for
 * another try; when the challenge is used up (no attempts left, expired, unknown) a new digit is asked
 * for. The form is not submitted without a pass (the server checks it anyway). A page re-rendered
 * after a refused sign-up may already carry a pass: then the widget just shows it as solved.
 */
import { InkPad } from "/static/js/inkpad.js";

const API = "/api/v1/captcha";
const RENEW = new Set(["unknown", "used", "expired", "too_many_attempts"]); // the challenge is spent

function start(box) {
  const form = box.closest("form");
  const prompt = document.getElementById("captcha-prompt");
  const canvas = document.getElementById("captcha-canvas");
  const actions = box.querySelector(".captcha-actions");
  const checkButton = document.getElementById("captcha-check");
  const clearButton = document.getElementById("captcha-clear");
  const newButton = document.getElementById("captcha-new");
  const status = document.getElementById("captcha-status");
  const passField = document.getElementById("captcha-pass");
  const meta = document.querySelector('meta[name="csrf-token"]');
  let challenge = null;
  let busy = false;

  const pad = new InkPad(canvas, {
    lineWidth: 8,
    onStrokeEnd: () => refresh(),
    onChange: () => refresh(),
  });

  function say(message, kind = "") {
    status.textContent = message;
    status.className = `captcha-status ${kind}`.trim();
  }

  function refresh() {
    checkButton.disabled = busy || !challenge || pad.isEmpty || Boolean(passField.value);
  }

  function headers() {
    const result = { "Content-Type": "application/json" };
    if (meta && meta.content) result["X-CSRF-Token"] = meta.content;
    return result;
  }

  async function post(url, body) {
    const response = await fetch(url, { method: "POST", headers: headers(), body: JSON.stringify(body || {}) });
    let data = {};
    try {
      data = await response.json();
    } catch {
      /* not JSON: keep the status */
    }
    return { ok: response.ok, status: response.status, data };
  }

  function showSolved() {
    prompt.textContent = "✓ Captcha solved";
    canvas.hidden = true;
    actions.hidden = true;
    pad.disable();
  }

  async function newChallenge(message = "") {
    busy = true;
    challenge = null;
    passField.value = "";
    pad.clear();
    pad.enable();
    refresh();
    try {
      const reply = await post(API);
      if (!reply.ok) {
        prompt.textContent = "The captcha is not available right now.";
        say(reply.data.detail || `Could not get a captcha (${reply.status}). Try "New digit" later.`, "bad");
        return;
      }
      challenge = reply.data;
      prompt.innerHTML = "";
      prompt.append("Draw the digit ");
      const digit = document.createElement("strong");
      digit.id = "captcha-digit";
      digit.textContent = String(challenge.digit);
      prompt.append(digit);
      say(message || "Draw it large, then press Check.", message ? "bad" : "");
    } catch (error) {
      say(`Could not get a captcha: ${error.message}`, "bad");
    } finally {
      busy = false;
      refresh();
    }
  }

  async function check() {
    if (!challenge || pad.isEmpty || busy) return;
    busy = true;
    refresh();
    say("Checking…");
    try {
      const reply = await post(`${API}/${encodeURIComponent(challenge.id)}/solve`, { ink: pad.ink });
      if (reply.ok) {
        passField.value = reply.data.captcha_pass;
        showSolved();
        say("✓ Thanks! Now create your account.", "ok");
        return;
      }
      const reason = reply.data.detail || `the check failed (${reply.status})`;
      const detail = reason.charAt(0).toUpperCase() + reason.slice(1);
      const spent = RENEW.has(reply.data.reason) || /\(0 attempts left\)/.test(detail);
      if (spent && reply.data.reason !== "rate_limited") {
        busy = false;
        await newChallenge(`${detail} — here is a new digit.`);
        return;
      }
      pad.clear();
      say(reply.status === 422 ? `${detail}. Try again.` : detail, "bad");
    } catch (error) {
      say(`Could not check the drawing: ${error.message}`, "bad");
    } finally {
      busy = false;
      refresh();
    }
  }

  checkButton.addEventListener("click", check);
  clearButton.addEventListener("click", () => {
    pad.clear();
    say("");
  });
  newButton.addEventListener("click", () => newChallenge());
  form.addEventListener("submit", (event) => {
    if (passField.value) return;
    event.preventDefault();
    say("Solve the captcha first: draw the digit and press Check.", "bad");
    canvas.scrollIntoView({ block: "center" });
  });

  if (passField.value) {
    showSolved(); // handed back after a sign-up refused for another reason
  } else {
    newChallenge();
  }
}

const box = document.getElementById("captcha");
if (box) start(box);
