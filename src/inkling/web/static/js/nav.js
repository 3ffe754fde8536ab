// The site's navigation on a small screen: collapsed behind a "Menu" button (aria-expanded), open on
// a click. Without JavaScript the links simply stay visible.
const bar = document.querySelector(".topbar");
const toggle = document.getElementById("nav-toggle");
const nav = document.getElementById("site-nav");
if (bar && toggle && nav) {
  bar.classList.add("js-nav");
  toggle.addEventListener("click", () => {
    const open = !nav.classList.contains("open");
    nav.classList.toggle("open", open);
    toggle.setAttribute("aria-expanded", String(open));
  });
}
