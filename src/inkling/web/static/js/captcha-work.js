/**
 * captcha-work.js — the captcha without drawing, for keyboard and screen-reader users: "Check without
 * drawing" asks POST /api/v1/captcha/work for a puzzle, this page searches a nonce such that
 * SHA-256("{id}:{nonce}") starts with `bits` zero bits (a second or two, in small slices so the page
 * stays responsive), sends it to POST /api/v1/captcha/{id}/work and puts the one-time pass it answers
 * into the form field captcha_pass, as the drawn captcha does. Self-hosted: no third party.
 */

const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
const W = new Uint32Array(64);

/** The first 32 bits of SHA-256 of an ASCII string (all a leading-zero test needs). */
export function sha256Head(text) {
  const bytes = new Uint8Array(((text.length + 9 + 63) >> 6) << 6);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  bytes[text.length] = 0x80;
  const bits = text.length * 8;
  bytes[bytes.length - 4] = bits >>> 24;
  bytes[bytes.length - 3] = bits >>> 16;
  bytes[bytes.length - 2] = bits >>> 8;
  bytes[bytes.length - 1] = bits;
  let h0 = 0x6a09e667, h1 = 0xbb67ae85, h2 = 0x3c6ef372, h3 = 0xa54ff53a;
  let h4 = 0x510e527f, h5 = 0x9b05688c, h6 = 0x1f83d9ab, h7 = 0x5be0cd19;
  for (let off = 0; off < bytes.length; off += 64) {
    for (let i = 0; i < 16; i++) {
      const j = off + i * 4;
      W[i] = (bytes[j] << 24) | (bytes[j + 1] << 16) | (bytes[j + 2] << 8) | bytes[j + 3];
    }
    for (let i = 16; i < 64; i++) {
      const a = W[i - 15], b = W[i - 2];
      const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
      const s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
      W[i] = (W[i - 16] + s0 + W[i - 7] + s1) | 0;
    }
    let a = h0, b = h1, c = h2, d = h3, e = h4, f = h5, g = h6, h = h7;
    for (let i = 0; i < 64; i++) {
      const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const t1 = (h + S1 + ((e & f) ^ (~e & g)) + K[i] + W[i]) | 0;
      const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      h = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
    }
    h0 = (h0 + a) | 0; h1 = (h1 + b) | 0; h2 = (h2 + c) | 0; h3 = (h3 + d) | 0;
    h4 = (h4 + e) | 0; h5 = (h5 + f) | 0; h6 = (h6 + g) | 0; h7 = (h7 + h) | 0;
  }
  return h0 >>> 0;
}

/** A nonce whose hash with `token` starts with `bits` (≤ 32) zero bits, searched in slices. */
async function findNonce(token, bits, onProgress) {
  const limit = bits >= 32 ? 1 : 2 ** (32 - bits); // the head must be below this
  for (let nonce = 0; ; nonce++) {
    if (sha256Head(`${token}:${nonce}`) < limit) return String(nonce);
    if (nonce % 20000 === 19999) {
      onProgress(nonce + 1);
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  }
}

function start() {
  const button = document.getElementById("captcha-work");
  const passField = document.getElementById("captcha-pass");
  const status = document.getElementById("captcha-status");
  const prompt = document.getElementById("captcha-prompt");
  const csrf = document.querySelector('meta[name="csrf-token"]')?.content || "";
  if (!button || !passField) return;
  const post = async (url, body) => {
    const response = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(typeof data.detail === "string" ? data.detail : `the server answered ${response.status}`);
    return data;
  };
  button.addEventListener("click", async () => {
    button.disabled = true;
    status.className = "captcha-status";
    status.textContent = "Checking without drawing: your computer solves a small puzzle, a few seconds…";
    try {
      const puzzle = await post("/api/v1/captcha/work");
      const nonce = await findNonce(puzzle.id, puzzle.bits, () => {});
      const solved = await post(`/api/v1/captcha/${encodeURIComponent(puzzle.id)}/work`, { nonce });
      passField.value = solved.captcha_pass;
      prompt.textContent = "✓ Captcha solved";
      document.getElementById("captcha-canvas")?.setAttribute("hidden", "");
      document.querySelector("#captcha .captcha-actions")?.setAttribute("hidden", "");
      button.hidden = true;
      status.className = "captcha-status ok";
      status.textContent = "✓ Checked without drawing. You can create your account.";
    } catch (err) {
      status.className = "captcha-status bad";
      status.textContent = `The check without drawing failed: ${err.message}. Try again.`;
      button.disabled = false;
    }
  });
}

start();
