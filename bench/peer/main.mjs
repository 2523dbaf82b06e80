// The peer page: the benchmark's text in a pre-wrap <div>, annotated by
// @recogito/text-annotator with its default renderer. bench.mjs drives it
// through window.peer; the timing helpers (window.__bench) come from
// ../probe.mjs, injected by the benchmark before the page loads.
//
// Two layouts of the same text (the container's textContent is the text
// exactly in both, so the annotations' offsets are the same):
// - "div": the whole text as one text node of the container, as specified;
// - "blocks": one block <div> per line, its text ending in its "\n", as the
//   app's own pane is built (the peer's cost depends much on this).
import { createTextAnnotator } from '@recogito/text-annotator';
import '@recogito/text-annotator/text-annotator.css';

const container = document.getElementById('text');
let data = null;
let layout = 'div';
let annotator = null;
const logs = [];
for (const level of ['log', 'debug', 'info']) {
  const original = console[level];
  console[level] = (...args) => {
    if (logs.length < 50) logs.push(args.join(' '));
    original(...args);
  };
}

const frames = (n) =>
  new Promise((resolve) => {
    const tick = () => (--n <= 0 ? resolve(performance.now()) : requestAnimationFrame(tick));
    requestAnimationFrame(tick);
  });

function putText() {
  if (layout === 'div') {
    container.textContent = data.text;
    return;
  }
  const lines = data.text.split('\n');
  const fragment = document.createDocumentFragment();
  lines.forEach((line, i) => {
    const block = document.createElement('div');
    block.className = 'line';
    block.textContent = i < lines.length - 1 ? `${line}\n` : line;
    fragment.appendChild(block);
  });
  container.replaceChildren(fragment);
}

/** Creates the annotator and notes each redraw of its renderer: when, the
 *  time of the 2nd rAF after it, and whether the annotator had positions for
 *  every annotation by then (checked on a sample of ids). */
function create(redraws, sample) {
  annotator = createTextAnnotator(container);
  annotator.renderer.on('onRedraw', () => {
    const at = performance.now();
    const store = annotator.state.store;
    const complete = sample.every((id) => store.getAnnotationRects(id).length > 0);
    requestAnimationFrame(() => requestAnimationFrame(() => redraws.push({ at, complete, paintAt: performance.now() })));
  });
}

window.peer = {
  /** Fetches the text and the annotations for `n` spans (outside any timing). */
  async prepare(n, how = 'div') {
    layout = how;
    const [text, annotations] = await Promise.all([
      fetch('data/text.txt').then((r) => r.text()),
      fetch(`data/spans-${n}.json`).then((r) => r.json()),
    ]);
    data = { text, annotations };
    return { chars: text.length, annotations: annotations.length };
  },

  /**
   * `mode` "load": the text is put in and painted; then the time runs from
   * just before createTextAnnotator and setAnnotations (the way a page loads
   * stored annotations) until the highlights are painted.
   * `mode` "text+load": the time runs from putting the text in, like the
   * app's first paint, which includes drawing the text.
   * Painted: the renderer has redrawn after the annotator had positions for
   * all the annotations (its onRedraw event), and 2 rAFs have passed since
   * that redraw and since the last DOM change in the container, with nothing
   * changing for 200 ms after.
   */
  async run(mode) {
    const B = window.__bench;
    const redraws = [];
    const anns = data.annotations;
    const sample = anns.length ? [anns[0].id, anns[anns.length >> 1].id, anns[anns.length - 1].id] : [];
    let tText = null;
    if (mode === 'load') {
      putText();
      await frames(3);
      await B.settle(container, { requireMutation: false });
    }
    let t0 = Infinity;
    const done = () => redraws.some((r) => r.at >= t0 && r.complete);
    B.arm(container, { requireMutation: false, gate: done, timeoutMs: 180000 });
    if (mode !== 'load') {
      tText = performance.now();
      putText();
    }
    t0 = performance.now();
    create(redraws, sample);
    annotator.setAnnotations(anns, true);
    const t1 = performance.now();
    const settled = await B.settled();
    const redraw = redraws.find((r) => r.at >= t0 && r.complete);
    const paintAt = Math.max(settled.mutations > 0 ? settled.paintAt : 0, redraw ? redraw.paintAt : Infinity);
    return {
      mode,
      layout,
      setAnnotationsMs: t1 - t0,
      completeRedrawMs: redraw ? redraw.at - t0 : null,
      redraws: redraws.filter((r) => r.at >= t0).length,
      paintMs: paintAt - t0,
      fullMs: tText === null ? null : paintAt - tText,
      timedOut: settled.timedOut,
      mutations: settled.mutations,
      drawn: container.querySelectorAll('.r6o-annotation').length,
      stored: annotator.getAnnotations().length,
      renderer: logs.find((l) => /renderer/i.test(l)) || null,
      cssHighlights: typeof CSS !== 'undefined' && !!CSS.highlights,
    };
  },

  /** setAnnotations on an annotator created earlier and settled: how many
   *  annotations have positions, and how many highlights are drawn, after
   *  `waitMs`. */
  async setOnly(waitMs = 3000) {
    putText();
    await frames(3);
    create([], []);
    await window.__bench.settle(container, { requireMutation: false });
    const t0 = performance.now();
    annotator.setAnnotations(data.annotations, true);
    const t1 = performance.now();
    await new Promise((r) => setTimeout(r, waitMs));
    const store = annotator.state.store;
    return {
      setAnnotationsMs: t1 - t0,
      waitMs,
      positioned: data.annotations.filter((a) => store.getAnnotationRects(a.id).length > 0).length,
      drawn: container.querySelectorAll('.r6o-annotation').length,
      stored: annotator.getAnnotations().length,
    };
  },

  /** The highlight elements drawn once the page is scrolled to each of
   *  `fractions` of its height and settles: a check that what is in view
   *  gets highlighted. */
  async drawnAt(fractions) {
    const el = document.scrollingElement;
    const out = [];
    for (const f of fractions) {
      window.__bench.arm(container, { requireMutation: false, quietMs: 300 });
      el.scrollTop = f * (el.scrollHeight - el.clientHeight);
      await window.__bench.settled();
      out.push(container.querySelectorAll('.r6o-annotation').length);
    }
    el.scrollTop = 0;
    return out;
  },
};
