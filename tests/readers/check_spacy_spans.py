#!/usr/bin/env python3
"""The spaCy / Prodigy span export read by spaCy: each line becomes a Doc of
a blank English pipeline (no trained pipeline is needed), each span a
`Doc.char_span` in a span group, as spaCy's span categorizer and Prodigy's
`spans.manual` read them; the DocBin of them all must serialise and load
back with the same spans. Every span must be the native export's
annotation of that document (same code points, same label), and every
native annotation of the documents exported must be there.

Usage: check_spacy_spans.py EXPORT.jsonl NATIVE.json

Runs with the readers' virtualenv (scripts/setup makes it), which has
spaCy. Offsets are taken in the unit `meta.offset_unit` states
(`codepoint`, or `utf16`, converted here as a JavaScript tool would count).

Prints one summary line (plus one line per problem) and exits 0 if all is
well, 1 on any mismatch, 2 if the inputs cannot be read or spaCy is not
installed.
"""

import json
import sys

try:
    import spacy
    from spacy.tokens import DocBin
except ImportError as error:
    print(f"check_spacy_spans: cannot import {error.name}: run scripts/setup test",
          file=sys.stderr)
    sys.exit(2)


def code_points(text, unit, offset):
    """The code point offset of `offset` counted in `unit`."""
    if unit == "codepoint":
        return offset
    units = 0
    for index, char in enumerate(text):
        if units == offset:
            return index
        units += 2 if ord(char) > 0xFFFF else 1
    if units == offset:
        return len(text)
    raise ValueError(f"UTF-16 offset {offset} is inside a character or past the end")


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        with open(sys.argv[1], encoding="utf-8") as f:
            lines = [json.loads(line) for line in f if line.strip()]
        with open(sys.argv[2], encoding="utf-8") as f:
            native = json.load(f)
    except (OSError, ValueError) as error:
        print(f"check_spacy_spans: cannot read the inputs: {error}", file=sys.stderr)
        return 2
    texts = {d["id"]: d["text"] for d in native["documents"]}
    wanted = {}
    for a in native["annotations"]:
        wanted.setdefault(a["document_id"], set()).add((a["start"], a["end"], a["label"]))

    nlp = spacy.blank("en")
    problems = []
    docs, found, exported = [], {}, set()
    for number, line in enumerate(lines, 1):
        meta = line.get("meta", {})
        doc_id, unit = meta.get("document_id"), meta.get("offset_unit")
        if doc_id not in texts or line["text"] != texts[doc_id]:
            problems.append(f"line {number}: not a native document's text ({doc_id!r})")
            continue
        exported.add(doc_id)
        doc = nlp.make_doc(line["text"])
        group = []
        for span in line["spans"]:
            try:
                start = code_points(line["text"], unit, span["start"])
                end = code_points(line["text"], unit, span["end"])
            except ValueError as error:
                problems.append(f"line {number}: {error}")
                continue
            made = doc.char_span(start, end, label=span["label"], alignment_mode="expand")
            if made is None or made.start_char > start or made.end_char < end:
                problems.append(f"line {number}: spaCy cannot hold {start}..{end}")
                continue
            group.append(made)
            found.setdefault(doc_id, set()).add((start, end, span["label"]))
        doc.spans["sc"] = group
        docs.append(doc)
    loaded = list(DocBin(docs=docs, store_user_data=True).get_docs(nlp.vocab))
    if [len(d.spans["sc"]) for d in loaded] != [len(d.spans["sc"]) for d in docs]:
        problems.append("the DocBin did not keep the span groups")
    for doc_id in exported:
        missing = wanted.get(doc_id, set()) - found.get(doc_id, set())
        extra = found.get(doc_id, set()) - wanted.get(doc_id, set())
        for start, end, label in sorted(missing):
            problems.append(f"{doc_id}: {label} {start}..{end} is not in the export")
        for start, end, label in sorted(extra):
            problems.append(f"{doc_id}: {label} {start}..{end} is no native annotation")
    spans = sum(len(s) for s in found.values())
    if problems:
        print(f"check_spacy_spans: MISMATCH: {len(problems)} problems in {len(lines)} lines")
        for problem in problems:
            print(f"  {problem}")
        return 1
    print(f"check_spacy_spans: OK: {len(docs)} Docs, {spans} spans")
    return 0


if __name__ == "__main__":
    sys.exit(main())
