#!/usr/bin/env python3
"""The CoNLL export read by spaCy: `spacy convert EXPORT OUTDIR --converter
ner` (spaCy's own CoNLL-2003 reader, `conll_ner_to_docs`) must succeed,
and the DocBin it writes, loaded with `spacy.tokens.DocBin` and a blank
English pipeline's vocab (no trained pipeline is installed or needed),
must hold the native export's spans.

Usage: check_conll_spacy.py EXPORT.conll NATIVE.json DOCUMENTS LEFT_OUT

Runs with the readers' virtualenv (scripts/setup makes it), which has
spaCy; `spacy convert` is run as `python -m spacy` of this interpreter.
DOCUMENTS lists the positions of the exported documents in NATIVE.json,
comma-separated, in export order; LEFT_OUT is how many spans the export
said it left out.

It checks that spaCy made one Doc per exported document, in order; that
each Doc's tokens are the document's text, in order, with only white
space between and around them; and that every entity spaCy read is a
native annotation of that document with the same label (white space made
`_`) whose tokens are exactly the tokens its span overlaps, in code
points. Entities plus LEFT_OUT must count the native annotations.

Prints one summary line (plus one line per problem) and exits 0 if all is
well, 1 on any mismatch, 2 if the inputs cannot be read or spaCy is not
installed.
"""

import json
import os
import subprocess
import sys
import tempfile

try:
    import spacy
    from spacy.tokens import DocBin
except ImportError as error:
    print(f"check_conll_spacy: cannot import {error.name}: run scripts/setup test",
          file=sys.stderr)
    sys.exit(2)


def field(label):
    return "".join("_" if c.isspace() else c for c in label)


def convert(path, folder):
    """spaCy's Docs of the CoNLL file at `path`, or a problem string."""
    command = [sys.executable, "-m", "spacy", "convert", path, folder, "--converter", "ner"]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        return f"`spacy convert` failed ({done.returncode}): {done.stdout}{done.stderr}".strip()
    name = os.path.splitext(os.path.basename(path))[0] + ".spacy"
    output = os.path.join(folder, name)
    if not os.path.isfile(output):
        return f"`spacy convert` wrote no {name}: {done.stdout}{done.stderr}".strip()
    vocab = spacy.blank("en").vocab
    return list(DocBin().from_disk(output).get_docs(vocab))


def check(docs, native, positions, left_out):
    """Return (problems, number of entities checked)."""
    problems = []
    if len(docs) != len(positions):
        return [f"spaCy read {len(docs)} documents, expected {len(positions)}"], 0
    checked = 0
    total = 0
    for number, (doc, position) in enumerate(zip(docs, positions), start=1):
        document = native["documents"][position]
        text = document["text"]
        spans = [a for a in native["annotations"] if a["document_id"] == document["id"]]
        total += len(spans)
        tokens = []  # (start, end) in code points
        at = 0
        for token in doc:
            found = text.find(token.text, at)
            if found < 0 or text[at:found].strip():
                problems.append(f"document {number}: token {token.i} {token.text!r} is not "
                                f"next in the text after code point {at}")
                break
            at = found + len(token.text)
            tokens.append((found, at))
        else:
            if text[at:].strip():
                problems.append(f"document {number}: the tokens end at code point {at}, "
                                f"before {text[at:at + 20]!r}")
        if len(tokens) != len(doc):
            continue
        used = set()
        for entity in doc.ents:
            first, last = entity.start, entity.end - 1
            owner = next((i for i, a in enumerate(spans)
                          if i not in used and field(a["label"]) == entity.label_
                          and [k for k, (s, e) in enumerate(tokens)
                               if s < a["end"] and a["start"] < e] == list(range(first, last + 1))),
                         None)
            if owner is None:
                problems.append(f"document {number}: {entity.label_} over "
                                f"{[t.text for t in entity]} is not the tokens of a native "
                                "annotation")
                continue
            used.add(owner)
            checked += 1
    if checked + left_out != total:
        problems.append(f"{checked} entities and {left_out} left out, but the exported "
                        f"documents have {total} annotations")
    return problems, checked


def main(argv):
    if len(argv) != 5 or not argv[4].isdigit():
        print(f"usage: {argv[0]} EXPORT.conll NATIVE.json DOCUMENTS LEFT_OUT", file=sys.stderr)
        return 2
    try:
        with open(argv[2], encoding="utf-8") as fh:
            native = json.load(fh)
        positions = [int(p) for p in argv[3].split(",")]
    except (OSError, ValueError) as err:
        print(f"check_conll_spacy: cannot load the inputs: {err}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="check-conll-spacy-") as folder:
        docs = convert(argv[1], folder)
    if isinstance(docs, str):
        problems, checked = [docs], 0
    else:
        problems, checked = check(docs, native, positions, int(argv[4]))
    for problem in problems:
        print(f"check_conll_spacy: MISMATCH: {problem}")
    if problems:
        print(f"check_conll_spacy: FAILED: {len(problems)} problem(s); "
              f"{checked} entities verified")
        return 1
    print(f"check_conll_spacy: OK: spaCy {spacy.__version__} read {checked} entities, "
          "each a native annotation")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
