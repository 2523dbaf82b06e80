// The in-page half of the benchmark, injected before any of the page's own
// scripts run (Playwright's addInitScript serialises `probe`, so it must not
// use anything from this module's scope). It keeps everything on
// `window.__bench`:
//
// - `events[type]`: performance.now() taken in capturing `click`, `keydown`
//   and `change` listeners on window, so before any handler of the page;
// - `arm(roots)` / `settled()`: the paint rule. A MutationObserver on each
//   root's subtree counts DOM mutations, and a requestAnimationFrame loop,
//   running from `arm` on, notes for each root the time of the 2nd rAF after
//   its last mutation (the 1st rAF after a mutation precedes the frame that
//   paints it; the 2nd runs once that frame is done), and the time the task
//   after that frame ran (renderedAt: the frame's main-thread rendering is
//   done). `settled()` resolves once every root has had no mutation for
//   `quietFrames` frames and `quietMs` milliseconds (and `gate()` holds);
// - `list`: when the document list first showed `docId` (nav start = 0);
// - helpers that pick visible text and highlights in the app's pane.

export function probe(options) {
  const B = {
    options: options || {},
    events: {},
    eventStamps: {},
    list: null,
    wasmMemory: null,
  };
  window.__bench = B;
  for (const type of ['click', 'keydown', 'change']) {
    window.addEventListener(
      type,
      (event) => {
        B.events[type] = performance.now();
        B.eventStamps[type] = event.timeStamp;
      },
      true,
    );
  }
  // The browser's own measure of trusted events: from the event's time
  // stamp to the next paint after its handlers, in 8 ms steps, reported only
  // from 16 ms on (so a missing entry means under 16 ms).
  B.eventTiming = [];
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        B.eventTiming.push({
          name: e.name,
          startTime: e.startTime,
          duration: e.duration,
          processingStart: e.processingStart,
          processingEnd: e.processingEnd,
        });
      }
    }).observe({ type: 'event', durationThreshold: 16, buffered: true });
  } catch (e) {
    B.eventTiming = null;
  }
  /** When every handler of the last `type` event was done: the task after
   *  its dispatch, or the first rAF after it if a frame came first. */
  B.handlerEndOf = (type, tickTimes) => {
    const t0 = B.events[type];
    if (t0 === undefined) return null;
    const firstTick = (tickTimes || []).find((t) => t > t0);
    const done = B.handlerDone[type];
    const ends = [done, firstTick].filter((x) => x !== undefined);
    return ends.length ? Math.min(...ends) : null;
  };
  B.eventTimingOf = (type) => {
    const ts = B.eventStamps[type];
    if (B.eventTiming === null || ts === undefined) return { supported: B.eventTiming !== null, duration: null };
    const e = B.eventTiming.find((x) => x.name === type && Math.abs(x.startTime - ts) < 1);
    return { supported: true, duration: e ? e.duration : null, processing: e ? e.processingEnd - e.startTime : null };
  };
  // A task queued behind the current one, to tell when a frame's rendering
  // is done: posted from the 1st rAF after a mutation, it runs once that
  // frame's style, layout and paint have run on the main thread.
  const channel = new MessageChannel();
  const afterFrame = [];
  channel.port1.onmessage = () => afterFrame.shift()();
  const postAfter = (fn) => {
    afterFrame.push(fn);
    channel.port2.postMessage(0);
  };
  // Trunk's loader announces the wasm instance's exports, memory included.
  window.addEventListener('TrunkApplicationStarted', (event) => {
    B.appStarted = performance.now();
    B.wasmMemory = (event.detail && event.detail.wasm && event.detail.wasm.memory) || null;
  });
  B.wasmBytes = () => (B.wasmMemory ? B.wasmMemory.buffer.byteLength : null);

  // App start: the doc item for `docId` appears in the list, then 2 rAFs.
  if (B.options.docId) {
    const selector = `[data-testid=doc-item][data-doc-id="${B.options.docId}"]`;
    const seen = new MutationObserver(() => {
      if (!document.querySelector(selector)) return;
      seen.disconnect();
      const at = performance.now();
      requestAnimationFrame(() =>
        requestAnimationFrame(() => {
          B.list = { at, paintAt: performance.now() };
        }),
      );
    });
    seen.observe(document, { childList: true, subtree: true });
  }

  let watch = null;
  const resolveRoot = (root) => (typeof root === 'string' ? document.querySelector(root) : root);

  /** Starts watching `roots` ({name: selector or element}, or one of them,
   *  named "root"), and forgets earlier events. */
  B.arm = (roots, { quietFrames = 6, quietMs = 200, timeoutMs = 60000, requireMutation = true, gate = null } = {}) => {
    if (watch) watch.stop();
    if (typeof roots === 'string' || roots instanceof Node) roots = { root: roots };
    B.events = {};
    B.eventStamps = {};
    B.handlerDone = {};
    const started = performance.now();
    // Registered now, so after the page's own listeners on window (and
    // bubbling, so after those on document and the target): when this runs,
    // every handler of the event has, with the microtasks they queued (for a
    // trusted event they run after each listener; for one dispatched by a
    // script, such as Playwright's selectOption, the microtask queued here
    // runs after theirs).
    for (const type of ['click', 'keydown', 'change']) {
      window.addEventListener(
        type,
        () =>
          queueMicrotask(() => {
            if (B.handlerDone[type] === undefined) B.handlerDone[type] = performance.now();
          }),
        { once: true },
      );
    }
    const tickTimes = [];
    const w = { roots: {}, done: null, result: null, stopped: false };
    const observers = [];
    for (const [name, sel] of Object.entries(roots)) {
      const el = resolveRoot(sel);
      if (!el) throw new Error(`no element for ${name}: ${sel}`);
      const r = { count: 0, last: null, seen: 0, since: requireMutation ? -Infinity : 0, paintAt: null, renderedAt: null, rafAt: null };
      const mo = new MutationObserver((records) => {
        r.count += records.length;
        r.last = performance.now();
      });
      mo.observe(el, { subtree: true, childList: true, characterData: true, attributes: true });
      observers.push(mo);
      w.roots[name] = r;
    }
    w.stop = () => {
      w.stopped = true;
      observers.forEach((o) => o.disconnect());
    };
    w.done = new Promise((resolve) => {
      const finish = (timedOut) => {
        w.stop();
        const out = { timedOut, roots: {}, tickTimes };
        for (const [name, r] of Object.entries(w.roots)) {
          out.roots[name] = { paintAt: r.paintAt, renderedAt: r.renderedAt, rafAt: r.rafAt, mutations: r.count, lastMutation: r.last };
        }
        const first = Object.values(out.roots)[0];
        Object.assign(out, first);
        resolve(out);
      };
      let ticks = 0;
      const tick = () => {
        if (w.stopped) return;
        const now = performance.now();
        ticks++;
        if (tickTimes.length < 600) tickTimes.push(now);
        for (const r of Object.values(w.roots)) {
          if (r.count !== r.seen) {
            r.seen = r.count;
            r.since = 1;
            r.paintAt = null;
            r.renderedAt = null;
            r.rafAt = now;
            const count = r.count;
            postAfter(() => {
              if (r.count === count && r.renderedAt === null) r.renderedAt = performance.now();
            });
          } else {
            r.since++;
          }
          if (r.since === 2) {
            r.paintAt = now;
            // The task after the frame may be queued behind the next one:
            // the frame was rendered by this rAF at the latest.
            if (r.renderedAt === null) r.renderedAt = now;
          }
        }
        const all = Object.values(w.roots);
        const quiet = all.some((r) => r.count > 0)
          ? all.every(
              (r) => r.count === 0 || (r.since >= quietFrames && r.paintAt !== null && now - r.last >= quietMs),
            )
          : !requireMutation && ticks >= quietFrames && now - started >= quietMs;
        if (quiet && (!gate || gate())) return finish(false);
        if (now - started > timeoutMs) return finish(true);
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    watch = w;
    return true;
  };
  B.settled = () => (watch ? watch.done : Promise.reject(new Error('not armed')));
  B.settle = (roots, opts) => {
    B.arm(roots, opts);
    return B.settled();
  };

  /** rAF-to-rAF frame times (rAF timestamps) while `selector`'s element is
   *  scrolled from the top to the bottom by `step` px a frame, plus a few
   *  frames at the bottom. */
  B.scrollThrough = (selector, step, tail = 10) =>
    new Promise((resolve) => {
      const el = document.querySelector(selector);
      const frames = [];
      let prev = null;
      let left = tail;
      el.scrollTop = 0;
      const tick = (ts) => {
        if (prev !== null) frames.push(ts - prev);
        prev = ts;
        if (el.scrollTop + el.clientHeight >= el.scrollHeight - 1) {
          if (--left <= 0) {
            resolve({ frames, scrollHeight: el.scrollHeight, clientHeight: el.clientHeight });
            return;
          }
        } else {
          el.scrollTop += step;
        }
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(() => requestAnimationFrame(tick));
    });

  // ---- the app's pane ----------------------------------------------------

  const isWordChar = (c) => /[\p{L}\p{N}\p{M}]/u.test(c);
  const isJoiner = (c) => c === "'" || c === '’' || c === '-' || c === '.';
  const pane = () => document.querySelector('[data-testid=doc-text]');
  /** The visible band of the pane: below the sticky label bar, inside .main. */
  const band = () => {
    const main = document.querySelector('.main').getBoundingClientRect();
    const bar = document.querySelector('.label-bar');
    const top = Math.max(main.top, bar ? bar.getBoundingClientRect().bottom : main.top) + 8;
    return { top, bottom: main.bottom - 8, left: main.left, right: main.right };
  };
  const inBand = (rect, b) => rect.height > 0 && rect.top >= b.top && rect.bottom <= b.bottom;

  /** The text node and UTF-16 offset of code point `cp` of paragraph `para`. */
  const cpToDom = (para, cp) => {
    const walker = document.createTreeWalker(para, NodeFilter.SHOW_TEXT);
    let acc = 0;
    let node;
    let lastNode = null;
    while ((node = walker.nextNode())) {
      const chars = Array.from(node.data);
      if (cp < acc + chars.length) return { node, offset: chars.slice(0, cp - acc).join('').length };
      acc += chars.length;
      lastNode = node;
    }
    return { node: lastNode, offset: lastNode.data.length };
  };

  B.scrollPaneTo = (fraction) => {
    const main = document.querySelector('.main');
    main.scrollTop = Math.round(fraction * (main.scrollHeight - main.clientHeight));
    return main.scrollTop;
  };

  B.markIds = () => {
    const ids = new Set();
    for (const m of pane().querySelectorAll('mark[data-ann-id]')) {
      for (const id of m.getAttribute('data-ann-id').split(' ')) ids.add(id);
    }
    return ids;
  };
  B.rememberIds = () => {
    B.knownIds = B.markIds();
    return B.knownIds.size;
  };
  B.newIds = () => [...B.markIds()].filter((id) => !B.knownIds.has(id));
  B.hasId = (id) => pane().querySelector(`[data-ann-id~="${id}"]`) !== null;

  /**
   * Selects `words` (2–4) whole words of plain (unhighlighted) text in a
   * visible paragraph, the k-th such place: picked in code points of the
   * paragraph, turned into UTF-16 offsets of its text nodes for the Range.
   * Returns the code-point span in the document and its text.
   */
  B.selectFree = (k, words = 3) => {
    if (document.activeElement && document.activeElement !== document.body) document.activeElement.blur();
    const b = band();
    const places = [];
    for (const para of pane().querySelectorAll('.para')) {
      const r = para.getBoundingClientRect();
      if (r.bottom < b.top || r.top > b.bottom) continue;
      let acc = 0;
      for (const node of para.childNodes) {
        const chars = Array.from(node.textContent);
        if (node.nodeType === Node.TEXT_NODE) {
          const ws = [];
          for (let i = 0; i < chars.length; ) {
            if (!isWordChar(chars[i])) {
              i++;
              continue;
            }
            const s = i;
            while (
              i < chars.length &&
              (isWordChar(chars[i]) || (isJoiner(chars[i]) && i + 1 < chars.length && isWordChar(chars[i + 1])))
            ) {
              i++;
            }
            ws.push([s, i]);
          }
          for (let i = 0; i + words <= ws.length; i += words) {
            places.push({ para, start: acc + ws[i][0], end: acc + ws[i + words - 1][1] });
          }
        }
        acc += chars.length;
      }
    }
    if (places.length === 0) return null;
    // One Range for every candidate: each live Range makes every later DOM
    // removal in the page slower until it is garbage collected, which
    // would charge the probe's own work to the app's edits.
    const range = document.createRange();
    for (let j = 0; j < places.length; j++) {
      const place = places[(k * 7919 + j) % places.length];
      const a = cpToDom(place.para, place.start);
      const z = cpToDom(place.para, place.end);
      range.setStart(a.node, a.offset);
      range.setEnd(z.node, z.offset);
      if (!inBand(range.getBoundingClientRect(), b)) continue;
      const sel = window.getSelection();
      sel.removeAllRanges();
      sel.addRange(range);
      const base = Number(place.para.getAttribute('data-start'));
      return { start: base + place.start, end: base + place.end, quote: range.toString(), candidates: places.length };
    }
    return null;
  };

  /** The k-th visible highlight drawn on one line, not of `exclude`: where
   *  to click it, and its innermost annotation (last id) and label. */
  B.pickMark = (k, exclude = []) => {
    window.getSelection().removeAllRanges();
    if (document.activeElement && document.activeElement !== document.body) document.activeElement.blur();
    const b = band();
    const marks = [];
    for (const m of pane().querySelectorAll('mark[data-ann-id]')) {
      const ids = m.getAttribute('data-ann-id').split(' ');
      const id = ids[ids.length - 1];
      if (exclude.includes(id)) continue;
      const rects = m.getClientRects();
      if (rects.length !== 1 || !inBand(rects[0], b) || rects[0].width < 6) continue;
      marks.push({ m, ids, id, rect: rects[0] });
    }
    if (marks.length === 0) return null;
    const { m, ids, id, rect } = marks[(k * 31) % marks.length];
    return {
      id,
      ids,
      label: m.getAttribute('data-label'),
      x: rect.left + rect.width / 2,
      y: rect.top + rect.height / 2,
      candidates: marks.length,
    };
  };

  /** The k-th visible highlight of annotation `id`, to click. */
  B.markOf = (id) => {
    const b = band();
    for (const m of pane().querySelectorAll(`mark[data-ann-id~="${id}"]`)) {
      for (const rect of m.getClientRects()) {
        if (inBand(rect, b) && rect.width >= 4) return { x: rect.left + rect.width / 2, y: rect.top + rect.height / 2 };
      }
    }
    return null;
  };

  /** A cheap fingerprint of a string: its length and FNV-1a 32 of its UTF-16 units. */
  B.fingerprint = (s) => {
    let h = 0x811c9dc5;
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
    return `${s.length}:${h.toString(16)}`;
  };
}

/** The same fingerprint, in Node. */
export function fingerprint(s) {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return `${s.length}:${h.toString(16)}`;
}
