// The results page: "You were asked to draw X. Is this X?" for each drawing. "Yes" confirms the word
// asked; "No, it is: …" takes any official word (checked against the list before it is sent) — POST
// /api/v1/rounds/{id}/feedback, labelled training data. The model's answer is never what a click stores.
const csrf = document.querySelector('meta[name="csrf-token"]')?.content || "";
const official = new Map(
  [...(document.getElementById("official-words")?.options || [])].map((o) => [o.value.toLowerCase(), o.value]),
);

async function label(form, body) {
  const status = form.querySelector(".feedback-status");
  status.textContent = "Sending…";
  try {
    const response = await fetch(`/api/v1/rounds/${form.dataset.roundId}/feedback`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(body),
      credentials: "same-origin",
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(typeof data.detail === "string" ? data.detail : `the server answered ${response.status}`);
    status.textContent = `Thanks: ${data.word} (${data.source})`;
    form.classList.add("feedback-sent");
  } catch (err) {
    status.textContent = `Not sent: ${err.message}`;
  }
}

for (const form of document.querySelectorAll(".feedback-form")) {
  const input = form.querySelector(".feedback-word");
  const status = form.querySelector(".feedback-status");
  form.querySelector(".feedback-yes").addEventListener("click", () => label(form, { confirmed: true }));
  const correct = () => {
    const word = official.get(input.value.trim().toLowerCase());
    if (!word) {
      status.textContent = input.value.trim() ? `"${input.value.trim()}" is not one of the words: pick one from the list.` : "Type the word it shows.";
      input.focus();
      return;
    }
    label(form, { confirmed: false, word });
  };
  form.querySelector(".feedback-no").addEventListener("click", correct);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    correct();
  });
}
