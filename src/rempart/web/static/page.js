// What every Rempart page does in the browser: the FR / EN switch, and blurred pictures revealed on click.
"use strict";

document.addEventListener("click", (event) => {
  const target = event.target;
  if (target.id === "lang") {
    const root = document.documentElement;
    root.dataset.lang = root.dataset.lang === "fr" ? "en" : "fr";
  } else if (target.classList.contains("evidence")) {
    target.classList.toggle("revealed");
  }
});
