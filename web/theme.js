// Puts the colour scheme the user picked with the app's switch on the page
// before its first paint, so a dark choice never flashes light while the
// wasm loads. With no choice kept, the stylesheet follows the system's
// prefers-color-scheme. The key is the one src/browser/theme.rs writes.
"use strict";
(() => {
  try {
    const picked = localStorage.getItem("span-annotator.theme");
    if (picked === "dark" || picked === "light") {
      document.documentElement.dataset.theme = picked;
    }
  } catch {
    // Storage blocked: the system's scheme it is.
  }
})();
