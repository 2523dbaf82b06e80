// Keeps a record of every Content-Security-Policy violation in this tab, so
// that a blocked stylesheet, script or style is never silent.
//
// It is the first script of index.html (right after the policy) and a
// classic one, so it listens before anything else loads, even the wasm.
// Each violation is appended to sessionStorage under
// "span-annotator/csp-violations" (a JSON array), which outlives reloads of
// the tab; the end-to-end tests read it after every scenario and fail on
// any entry. `data-csp-watch` on <html> says that this record is being kept:
// a test that found no record and no marker would otherwise pass unseen.
"use strict";
(() => {
  const KEY = "span-annotator/csp-violations";
  const read = () => {
    try {
      const kept = JSON.parse(sessionStorage.getItem(KEY) || "[]");
      return Array.isArray(kept) ? kept : [];
    } catch {
      return [];
    }
  };
  document.addEventListener(
    "securitypolicyviolation",
    (event) => {
      const violation = {
        directive: event.effectiveDirective || event.violatedDirective,
        blocked: event.blockedURI,
        source: event.sourceFile,
        line: event.lineNumber,
        sample: event.sample,
        page: location.href,
      };
      console.error("Content-Security-Policy violation", violation);
      try {
        sessionStorage.setItem(KEY, JSON.stringify([...read(), violation]));
      } catch {
        // Storage refused (full or blocked): the marker says so, so the
        // record is not mistaken for an empty one.
        document.documentElement.dataset.cspWatch = "unrecorded";
      }
    },
    true,
  );
  document.documentElement.dataset.cspWatch = "on";
})();
