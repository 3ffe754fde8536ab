// The results page: fill each round's word list and send "Was it right? yes / no, it was: …" to
// POST /api/v1/rounds/{id}/feedback (labelled training data).
const csrf = document.querySelector('meta[name="csrf-token"]')?.content || "";
const options = document.getElementById("word-options");

async function label(form, word, confirmed) {
  const status = form.querySelector(".feedback-status");
  status.textContent = "Sending…";
  try {
    const response = await fetch(`/api/v1/rounds/${form.dataset.roundId}/feedback`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify({ word, confirmed }),
      credentials: "same-origin",
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(typeof data.detail === "string" ? data.detail : `HTTP ${response.status}`);
    status.textContent = `Thanks: ${data.word}`;
    form.classList.add("feedback-sent");
  } catch (err) {
    status.textContent = `Not sent: ${err.message}`;
  }
}

for (const form of document.querySelectorAll(".feedback-form")) {
  const select = form.querySelector(".feedback-word");
  if (options && select) {
    select.append(options.content.cloneNode(true));
    select.value = select.dataset.selected;
  }
  form.querySelector(".feedback-yes").addEventListener("click", () => label(form, form.dataset.top, true));
  form.querySelector(".feedback-no").addEventListener("click", () => label(form, select.value, false));
  form.addEventListener("submit", (event) => event.preventDefault());
}
