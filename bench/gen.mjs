// Deterministic inputs of the benchmark: a ~1 MiB document made of the seed
// articles' sentences, span sets over it, and the two forms they are loaded
// in: the app's localStorage schema (version 3) and @recogito/text-annotator's
// own annotation format.
//
// Every offset here is a code point index into Array.from(text), half-open,
// as the app stores them; the peer's offsets are converted to UTF-16 units
// (see peerAnnotations). `node gen.mjs` checks the invariants and prints a
// summary.

import { readFileSync, readdirSync } from 'node:fs';
import { deflateRawSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const SEEDS_DIR = join(here, '..', 'seeds');

export const DOC_ID = 'bench-1mib';
export const DOC_ENTRY = { id: DOC_ID, file_name: 'bench-1mib.txt', title: 'Benchmark 1 MiB' };
export const TARGET_BYTES = 1 << 20;
export const LABELS = ['Person', 'Organization', 'Location', 'Date', 'Quantity', 'Event'];
export const BUCKETS = 16;
export const PREFIX = 'span-annotator/v3/';

// mulberry32: a small seeded PRNG, the same sequence on every machine.
export function mulberry32(seed) {
  let a = seed >>> 0;
  return function next() {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const int = (rand, lo, hi) => lo + Math.floor(rand() * (hi - lo + 1)); // lo..hi inclusive
const pick = (rand, list) => list[Math.floor(rand() * list.length)];

function shuffle(rand, list) {
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [list[i], list[j]] = [list[j], list[i]];
  }
  return list;
}

const utf8 = new TextEncoder();

/** FNV-1a, 32 bits, of the UTF-8 bytes of `s`. */
export function fnv1a32(s) {
  let hash = 0x811c9dc5;
  for (const byte of utf8.encode(s)) {
    hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** FNV-1a, 64 bits, of the UTF-8 bytes of `s`, as 16 lower-case hex digits. */
export function fnv1a64(s) {
  const mask = (1n << 64n) - 1n;
  let hash = 0xcbf29ce484222325n;
  for (const byte of utf8.encode(s)) {
    hash = ((hash ^ BigInt(byte)) * 0x100000001b3n) & mask;
  }
  return hash.toString(16).padStart(16, '0');
}

export const bucketOf = (id) => fnv1a32(id) % BUCKETS;

/** The seed articles' sentences, in file order. */
export function seedSentences(dir = SEEDS_DIR) {
  const sentences = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.txt')).sort()) {
    const text = readFileSync(join(dir, file), 'utf8').replace(/^\s*date \d{4}-\d{2}-\d{2}\s+/, '');
    for (const line of text.split(/\n+/)) {
      // A sentence ends at . ! or ?, possibly followed by closing quotes or
      // brackets, then white space.
      for (const s of line.split(/(?<=[.!?]["”’)]*)\s+/u)) {
        const t = s.trim();
        if (t.length > 0) sentences.push(t);
      }
    }
  }
  return sentences;
}

// Non-Latin and tricky sentences mixed in (about 2% of sentences), and the
// emoji sprinkled into some English ones.
const EXTRA_SENTENCES = [
  'The delegation 👩‍👩‍👧 arrived in Astana with the families of the negotiators.',
  'Observers gave the draft a cautious 👍🏽 before the second session.',
  'Cafe\u0301 owners near the venue said the talks brought crowds, and the re\u0301sume\u0301s of the envoys were widely shared.',
  'Zoe\u0308 Martı\u0301nez of the monitoring group counted 1,240 ceasefire reports 📊.',
  '阿斯塔纳会谈今天继续举行，各方讨论了降级区的边界问题。',
  '俄罗斯、土耳其和伊朗代表团在哈萨克斯坦首都会面。',
  'シリアの停戦監視について各国代表が協議した。',
  'השיחות באסטנה נמשכו היום, והמשלחות דנו בגבולות האזורים.',
  'ראש המשלחת הרוסית אמר כי המסמכים "זקוקים לליטוש".',
  'استمرت المحادثات في أستانا اليوم وناقشت الوفود حدود مناطق خفض التصعيد.',
  'قال رئيس الوفد الروسي إن الوثائق تحتاج إلى اللمسات الأخيرة.',
  'The mediators 🤝 met the 👨‍👩‍👦‍👦 of detainees, and a 🏳️‍🌈 flag was seen outside.',
  'A Kazakh official 👋🏿 greeted the 🇷🇺 🇹🇷 🇮🇷 delegations at the door.',
];
const EMOJI = ['😀', '👍🏽', '👩‍👩‍👧', '🇸🇾', '🕊️', '👨🏻‍💼', '❤️', '🧑‍🤝‍🧑', '🙏🏼', '✍️'];

/**
 * The benchmark document: seed sentences shuffled deterministically into
 * paragraphs of 3–8 sentences, one per line, with some blank lines, and
 * about 2% non-Latin or emoji sentences; as many whole paragraphs as fit in
 * `targetBytes` of UTF-8.
 */
export function makeDocument({ seed = 1, targetBytes = TARGET_BYTES } = {}) {
  const rand = mulberry32(seed);
  const base = seedSentences();
  let pool = [];
  const nextSentence = () => {
    if (pool.length === 0) pool = shuffle(rand, base.slice());
    if (rand() < 0.02) return pick(rand, EXTRA_SENTENCES);
    let s = pool.pop();
    if (rand() < 0.01) {
      // An emoji after a random word.
      const words = s.split(' ');
      const at = int(rand, 0, words.length - 1);
      words[at] = `${words[at]} ${pick(rand, EMOJI)}`;
      s = words.join(' ');
    }
    return s;
  };
  let text = '';
  let bytes = 0;
  for (;;) {
    const count = int(rand, 3, 8);
    const sentences = [];
    for (let i = 0; i < count; i++) sentences.push(nextSentence());
    const sep = text.length === 0 ? '' : rand() < 0.1 ? '\n\n' : '\n';
    const paragraph = sep + sentences.join(' ');
    const more = utf8.encode(paragraph).length;
    if (bytes + more > targetBytes) break;
    text += paragraph;
    bytes += more;
  }
  return text;
}

/** Words of `chars` (code points): runs of letters, digits and marks, with
 *  inner apostrophes or hyphens, and the line each is on. */
export function words(chars) {
  const isWordChar = (c) => /[\p{L}\p{N}\p{M}]/u.test(c);
  const isJoiner = (c) => c === "'" || c === '’' || c === '-';
  const out = [];
  let line = 0;
  let i = 0;
  while (i < chars.length) {
    const c = chars[i];
    if (c === '\n') {
      line++;
      i++;
      continue;
    }
    if (!isWordChar(c)) {
      i++;
      continue;
    }
    const start = i;
    while (
      i < chars.length &&
      (isWordChar(chars[i]) || (isJoiner(chars[i]) && i + 1 < chars.length && isWordChar(chars[i + 1])))
    ) {
      i++;
    }
    out.push({ start, end: i, line });
  }
  return out;
}

function hexId(rand) {
  let s = '';
  for (let i = 0; i < 4; i++) {
    s += Math.floor(rand() * 0x100000000)
      .toString(16)
      .padStart(8, '0');
  }
  return s;
}

/**
 * `count` spans of 1–6 whole words, each within one line; 90% are disjoint
 * from each other and 10% overlap or nest in one of those. Sorted by start,
 * then end. Ids are 32 lower-case hex digits, labels among LABELS.
 */
export function makeSpans(text, count, { seed = 1000 + count } = {}) {
  const rand = mulberry32(seed);
  const chars = Array.from(text);
  const ws = words(chars);
  const taken = new Uint8Array(ws.length);
  const base = [];
  const wantBase = count - Math.round(count * 0.1);
  let tries = 0;
  while (base.length < wantBase) {
    if (++tries > wantBase * 200) throw new Error(`cannot place ${wantBase} disjoint spans`);
    const first = int(rand, 0, ws.length - 1);
    const len = int(rand, 1, 6);
    const last = first + len - 1;
    if (last >= ws.length || ws[last].line !== ws[first].line) continue;
    let free = true;
    for (let w = first; w <= last; w++) free &&= !taken[w];
    if (!free) continue;
    for (let w = first; w <= last; w++) taken[w] = 1;
    base.push({ first, last });
  }
  const extra = [];
  const seen = new Set(base.map((s) => `${s.first}:${s.last}`));
  tries = 0;
  while (extra.length < count - wantBase) {
    if (++tries > count * 200) throw new Error('cannot place overlapping spans');
    const host = pick(rand, base);
    const hostLen = host.last - host.first + 1;
    let first;
    let last;
    const kind = rand();
    if (kind < 0.4 && hostLen >= 2) {
      // Nested inside the host: a shorter run of its words.
      const len = int(rand, 1, hostLen - 1);
      first = host.first + int(rand, 0, hostLen - len);
      last = first + len - 1;
    } else if (kind < 0.6) {
      // The host nested inside: one to two more words around it.
      first = host.first - int(rand, 0, 1);
      last = host.last + int(rand, first === host.first ? 1 : 0, 1);
    } else {
      // Crossing the host's end (or its start).
      const len = int(rand, 2, 6);
      if (rand() < 0.5) {
        first = host.first + int(rand, 1, Math.max(1, hostLen - 1));
        if (first > host.last) first = host.last;
        last = first + len - 1;
        if (last <= host.last) last = host.last + 1;
      } else {
        last = host.last - int(rand, 1, Math.max(1, hostLen - 1));
        if (last < host.first) last = host.first;
        first = last - len + 1;
        if (first >= host.first) first = host.first - 1;
      }
    }
    if (first < 0 || last >= ws.length || last - first + 1 > 6) continue;
    if (ws[first].line !== ws[last].line) continue;
    const key = `${first}:${last}`;
    if (seen.has(key)) continue;
    seen.add(key);
    extra.push({ first, last });
  }
  const created0 = Date.parse('2026-11-22T10:00:00.000Z');
  const spans = [...base, ...extra].map((s, i) => ({
    id: hexId(rand),
    start: ws[s.first].start,
    end: ws[s.last].end,
    label: pick(rand, LABELS),
    created: new Date(created0 + i * 1000).toISOString(),
    overlapping: i >= base.length,
  }));
  spans.sort((a, b) => a.start - b.start || a.end - b.end);
  return spans;
}

/** The seed articles as the stored document list names them: built in
 *  (`seed: true`), titled as the app titles them. */
export function seedEntries(dir = SEEDS_DIR) {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.txt'))
    .sort()
    .map((file) => {
      const text = readFileSync(join(dir, file), 'utf8').replace(/^\s*date \d{4}-\d{2}-\d{2}/, '');
      const line = text.split('\n').map((l) => l.trim()).find((l) => l.length > 0) ?? 'Untitled';
      const chars = Array.from(line);
      let title = line;
      if (chars.length > 90) {
        const head = chars.slice(0, 90).join('');
        const space = head.lastIndexOf(' ');
        title = `${(space >= 0 ? head.slice(0, space) : head).replace(/[,;: ]+$/, '')}…`;
      }
      return { id: file.replace(/\.txt$/, ''), file_name: file, title, seed: true };
    });
}

/** `bytes` packed 15 bits to a UTF-16 unit, as the app stores them
 *  (format::stored::packed): U+3400..U+B3FF, the last 1–7 bits U+3380..U+33FF. */
function pack(bytes) {
  const units = [];
  let held = 0;
  let bits = 0;
  for (const byte of bytes) {
    held = (held << 8) | byte;
    bits += 8;
    if (bits >= 15) {
      bits -= 15;
      units.push(0x3400 + (held >>> bits));
      held &= (1 << bits) - 1;
    }
  }
  if (bits > 0) units.push(bits <= 7 ? 0x3380 + (held << (7 - bits)) : 0x3400 + (held << (15 - bits)));
  let out = '';
  for (let i = 0; i < units.length; i += 8192) out += String.fromCharCode(...units.slice(i, i + 8192));
  return out;
}

/** Bytes being written: LEB128 varints, zigzag differences, strings and
 *  tokens (even-length lower-case hex as its bytes), as format::stored::compact. */
class Writer {
  constructor() {
    this.bytes = [];
  }
  byte(b) {
    this.bytes.push(b);
  }
  number(n) {
    while (n >= 0x80) {
      this.bytes.push((n % 0x80) | 0x80);
      n = Math.floor(n / 0x80);
    }
    this.bytes.push(n);
  }
  signed(value, previous) {
    const d = value - previous;
    this.number(d >= 0 ? 2 * d : -2 * d - 1);
  }
  string(s) {
    const bytes = utf8.encode(s);
    this.number(bytes.length);
    this.bytes.push(...bytes);
  }
  token(s) {
    if (s.length > 0 && s.length % 2 === 0 && /^[0-9a-f]*$/.test(s)) {
      this.number(s.length);
      for (let i = 0; i < s.length; i += 2) this.bytes.push(parseInt(s.slice(i, i + 2), 16));
    } else {
      const bytes = utf8.encode(s);
      this.number(bytes.length * 2 + 1);
      this.bytes.push(...bytes);
    }
  }
}

/** A compact value: `v3:`, then packed the 32-bit FNV-1a check of
 *  `context` (the key after the prefix) and `payload`, and the payload. */
function seal(context, payload) {
  // FNV-1a, 64 bits, in two 32-bit halves: the prime is 2^40 + 0x1b3.
  let lo = 0x84222325;
  let hi = 0xcbf29ce4;
  const step = (byte) => {
    lo = (lo ^ byte) >>> 0;
    const low = lo * 0x1b3;
    hi = (Math.imul(hi, 0x1b3) + (lo << 8) + Math.floor(low / 0x100000000)) >>> 0;
    lo = low >>> 0;
  };
  for (const byte of utf8.encode(context)) step(byte);
  step(0);
  for (const byte of payload) step(byte);
  const check = (lo ^ hi) >>> 0;
  const bytes = new Uint8Array(4 + payload.length);
  new DataView(bytes.buffer).setUint32(0, check, true);
  bytes.set(payload, 4);
  return `v3:${pack(bytes)}`;
}

/** A document's text as the app stores it: raw DEFLATE (level 6) or UTF-8,
 *  whichever is smaller. */
function compactText(context, text) {
  const raw = utf8.encode(text);
  const deflated = deflateRawSync(raw, { level: 6 });
  const out = new Writer();
  out.byte(1);
  out.byte(0);
  out.byte(deflated.length < raw.length ? 1 : 0);
  out.number(raw.length);
  const data = deflated.length < raw.length ? deflated : raw;
  const payload = new Uint8Array(out.bytes.length + data.length);
  payload.set(out.bytes);
  payload.set(data, out.bytes.length);
  return seal(context, payload);
}

/** A bucket as the app stores it: `spans` (rev 1, no note or entity, in
 *  the order given) and no tombstones. */
function compactSpans(context, hash, spans) {
  const out = new Writer();
  out.byte(1);
  out.token(hash);
  const labels = [];
  for (const s of spans) if (!labels.includes(s.label)) labels.push(s.label);
  out.number(labels.length);
  for (const l of labels) out.string(l);
  out.number(spans.length);
  let start = 0;
  let created = 0;
  for (const s of spans) {
    const ms = Date.parse(s.created);
    out.byte(new Date(ms).toISOString() === s.created ? 0 : 4);
    out.token(s.id);
    out.signed(s.start, start);
    start = s.start;
    out.signed(s.end, start);
    out.number(labels.indexOf(s.label));
    if (new Date(ms).toISOString() === s.created) {
      out.signed(ms, created);
      created = ms;
    } else {
      out.string(s.created);
    }
    out.number(1);
  }
  out.number(0);
  return seal(context, Uint8Array.from(out.bytes));
}

/** What the app's encoder writes for `compactSpans`'s check in `check()`. */
const COMPACT_SAMPLE =
  'v3:\u9cbe\u73f1\u9422\u3ef6\u52e2\u6618\u37d9\u4001\u3728\u4d5c\u826d\uaae0\u3c01\u34fc\u8938\u520b\u72a7\u4fe8\u6c5a\u724f\u6135\u9320\u4810\u3480\u7e4b\u5ef0\u4100\u4400';

/** The localStorage entries (key → value) the app reads at start, for
 *  `text` with `spans`, in the app's documented schema version 3. */
export function storageEntries(text, spans) {
  const hash = fnv1a64(text);
  const entries = new Map();
  entries.set(`${PREFIX}meta`, JSON.stringify({ version: 3, epoch: 'bench' }));
  // The stored list holds every document: the seed articles, then ours.
  const documents = [...seedEntries().map((d) => ({ ...d, rev: 0 })), { ...DOC_ENTRY, rev: 1 }];
  entries.set(`${PREFIX}documents`, JSON.stringify({ version: 3, order: 1, documents, deleted: [] }));
  entries.set(`${PREFIX}text/${DOC_ID}`, compactText(`text/${DOC_ID}`, text));
  const buckets = Array.from({ length: BUCKETS }, () => []);
  for (const s of spans) buckets[bucketOf(s.id)].push(s);
  buckets.forEach((annotations, bucket) => {
    if (annotations.length === 0) return;
    entries.set(`${PREFIX}doc/${DOC_ID}/${bucket}`, compactSpans(`doc/${DOC_ID}/${bucket}`, hash, annotations));
  });
  return entries;
}

/** What Chromium charges an origin's localStorage quota for `entries`: a
 *  string costs 1 byte a character if all its characters are Latin-1, and
 *  2 bytes a UTF-16 unit otherwise; keys count too. */
export function storageBytes(entries) {
  const cost = (s) => (/[^\u0000-\u00ff]/.test(s) ? 2 * s.length : s.length);
  let total = 0;
  for (const [k, v] of entries) total += cost(k) + cost(v);
  return total;
}

/** The code point → UTF-16 offset table of `text` (length = code points + 1). */
export function utf16Offsets(text) {
  const chars = Array.from(text);
  const table = new Uint32Array(chars.length + 1);
  let u = 0;
  chars.forEach((c, i) => {
    table[i] = u;
    u += c.length;
  });
  table[chars.length] = u;
  return table;
}

/**
 * The spans in @recogito/text-annotator 4.x's own format (TextAnnotation):
 * `{id, bodies, target: {annotation, selector: [{quote, start, end}]}}`, where
 * start/end count UTF-16 units of the container's text (its reviveSelector
 * walks text nodes adding `textContent.length`).
 */
export function peerAnnotations(text, spans) {
  const u16 = utf16Offsets(text);
  return spans.map((s) => {
    const start = u16[s.start];
    const end = u16[s.end];
    return {
      id: s.id,
      bodies: [
        {
          id: `${s.id}-label`,
          annotation: s.id,
          purpose: 'tagging',
          value: s.label,
          created: s.created,
        },
      ],
      target: {
        annotation: s.id,
        created: s.created,
        selector: [{ quote: text.slice(start, end), start, end }],
      },
    };
  });
}

/** Every input of one benchmark run. */
export function makeInputs(sizes = [1000, 5000, 20000]) {
  const text = makeDocument();
  const sets = new Map(sizes.map((n) => [n, makeSpans(text, n)]));
  return { text, sets };
}

function check() {
  const assert = (ok, what) => {
    if (!ok) throw new Error(`check failed: ${what}`);
  };
  assert(fnv1a32('a') === 0xe40c292c, 'fnv1a32("a")');
  assert(bucketOf('') === 0x811c9dc5 % 16, 'bucket of ""');
  // A compact value the app's own encoder wrote for the same input
  // (format::stored::compact): a bucket of one annotation.
  const one = compactSpans('doc/d/1', 'af63dc4c8601ec8c', [
    { id: '3f2a9c1e0b7d4e6fa1c2d3e4f5a6b7c8', start: 5, end: 9, label: 'Person', created: '2026-11-22T10:00:00.000Z' },
  ]);
  assert(one === COMPACT_SAMPLE, `compact bucket: ${JSON.stringify(one)}`);
  assert(fnv1a64('') === 'cbf29ce484222325', 'fnv1a64("")');
  assert(fnv1a64('a') === 'af63dc4c8601ec8c', 'fnv1a64("a")');
  const t0 = Date.now();
  const { text, sets } = makeInputs();
  const again = makeDocument();
  assert(again === text, 'the document is deterministic');
  const chars = Array.from(text);
  const bytes = utf8.encode(text).length;
  assert(bytes <= TARGET_BYTES && bytes > TARGET_BYTES - 4096, `document is ~1 MiB (${bytes})`);
  const lines = text.split('\n');
  console.log(
    `document: ${bytes} UTF-8 bytes, ${chars.length} code points, ${text.length} UTF-16 units, ` +
      `${lines.length} lines (${lines.filter((l) => l === '').length} blank), hash ${fnv1a64(text)}`,
  );
  for (const [n, spans] of sets) {
    assert(spans.length === n, `${n} spans`);
    const ids = new Set(spans.map((s) => s.id));
    assert(ids.size === n, 'unique ids');
    for (const s of spans) {
      assert(/^[0-9a-f]{32}$/.test(s.id), 'id shape');
      assert(LABELS.includes(s.label), 'label');
      assert(s.start < s.end && s.end <= chars.length, 'in range');
      const quote = chars.slice(s.start, s.end).join('');
      assert(!quote.includes('\n'), 'within a line');
      assert(/^[\p{L}\p{N}\p{M}]/u.test(quote) && /[\p{L}\p{N}\p{M}]$/u.test(quote), `whole words: ${quote}`);
      assert(s.start === 0 || !/[\p{L}\p{N}\p{M}]/u.test(chars[s.start - 1]), 'starts at a word start');
    }
    const overlapping = spans.filter((s) => s.overlapping);
    // Each of the 10% overlaps or nests in another span.
    let crossing = 0;
    const sorted = spans.slice();
    for (const s of overlapping) {
      const other = sorted.find((o) => o !== s && o.start < s.end && s.start < o.end);
      assert(other, 'an overlapping span overlaps another');
      if (!(other.start <= s.start && s.end <= other.end) && !(s.start <= other.start && other.end <= s.end)) crossing++;
    }
    const entries = storageEntries(text, spans);
    const peer = peerAnnotations(text, spans);
    for (let i = 0; i < peer.length; i += 97) {
      const sel = peer[i].target.selector[0];
      assert(sel.quote === chars.slice(spans[i].start, spans[i].end).join(''), 'peer quote');
    }
    console.log(
      `${n} spans: ${overlapping.length} overlapping or nested (${crossing} crossing), ` +
        `${entries.size - 2} buckets, storage ${storageBytes(entries)} bytes`,
    );
  }
  console.log(`generated and checked in ${Date.now() - t0} ms`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) check();
