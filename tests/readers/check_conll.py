#!/usr/bin/env python3
"""Independent reader of the span annotator's CoNLL (IOB2) export.

Usage: python3 tests/readers/check_conll.py EXPORT.conll NATIVE.json DOCUMENTS LEFT_OUT

Written against the CoNLL-2003 shape that spaCy's `conll_ner_to_docs`
reads, in plain Python 3 stdlib, sharing no code with the app. NATIVE.json
is the app's native export of the same workspace (itself checked by
check_native.py); DOCUMENTS lists the positions of the exported documents
in it, comma-separated, in export order; LEFT_OUT is how many spans the
export said it left out.

Documents are split at the line `-DOCSTART- -X- O O` and sentences at blank
lines, and each line is split with str.split(), as spaCy does. It checks
that every line has exactly two fields, a token and a tag of `O`, `B-L` or
`I-L`; that the tags are valid IOB2 (an `I-L` only right after a `B-L` or
`I-L` of the same L, in the same sentence); that the tokens appear in order
in the document's text, with only white space between them; and that every
entity (a `B-` and the `I-`s after it) is a native annotation of that
document with the same label (white space made `_`) whose tokens are
exactly the tokens its span overlaps, in code points, and whose
`text[start:end] == quote`.
Entities plus LEFT_OUT must count the native annotations.

Prints one summary line (plus one line per problem) and exits 0 if all is
well, 1 on any mismatch, 2 if the inputs cannot be read at all.
"""

import json
import sys

DOCSTART = "-DOCSTART- -X- O O"


def field(label):
    return "".join("_" if c.isspace() else c for c in label)


def check(data, native, positions, left_out):
    """Return (problems, number of entities checked)."""
    problems = []
    docs = data.split(DOCSTART)
    if docs[0].strip():
        problems.append("the file does not open with -DOCSTART-")
    docs = docs[1:]
    if len(docs) != len(positions):
        problems.append(f"{len(docs)} documents, expected {len(positions)}")
        return problems, 0
    checked = 0
    total = 0
    for number, (chunk, position) in enumerate(zip(docs, positions), start=1):
        doc = native["documents"][position]
        text = doc["text"]
        spans = [a for a in native["annotations"] if a["document_id"] == doc["id"]]
        total += len(spans)
        used = set()
        tokens = []  # (start, end) in code points
        entities = []  # [label, index of first token, index of last token]
        at = 0  # code point in text after the last token
        for sentence in chunk.strip().split("\n\n"):
            if not sentence:
                continue
            previous = "O"
            for line in sentence.split("\n"):
                where = f"document {number}: line {line!r}"
                fields = line.split()
                if len(fields) != 2 or fields[0] + "\t" + fields[1] != line:
                    problems.append(f"{where}: not token<TAB>tag")
                    continue
                token, tag = fields
                found = text.find(token, at)
                if found < 0 or text[at:found].strip():
                    problems.append(f"{where}: token not next in the text after {at}")
                    continue
                at = found + len(token)
                tokens.append((found, at))
                if tag.startswith("B-") and len(tag) > 2:
                    entities.append([tag[2:], len(tokens) - 1, len(tokens) - 1])
                elif tag.startswith("I-") and len(tag) > 2:
                    if previous == "O" or previous[2:] != tag[2:]:
                        problems.append(f"{where}: {tag} after {previous}")
                        previous = "O"
                        continue
                    entities[-1][2] = len(tokens) - 1
                elif tag != "O":
                    problems.append(f"{where}: bad tag {tag!r}")
                previous = tag
        for label, first, last in entities:
            start, end = tokens[first][0], tokens[last][1]
            owner = None
            for i, a in enumerate(spans):
                overlapping = [
                    k for k, (s, e) in enumerate(tokens) if s < a["end"] and a["start"] < e
                ]
                if (
                    i not in used
                    and field(a["label"]) == label
                    and overlapping == list(range(first, last + 1))
                    and text[a["start"]:a["end"]] == a["quote"]
                ):
                    owner = i
                    break
            if owner is None:
                problems.append(
                    f"document {number}: {label} over {text[start:end]!r}"
                    f" ({start}..{end}) is not the tokens of a native annotation"
                )
                continue
            used.add(owner)
            checked += 1
    if checked + left_out != total:
        problems.append(
            f"{checked} entities and {left_out} left out, but the exported documents"
            f" have {total} annotations"
        )
    return problems, checked


def main(argv):
    if len(argv) != 5 or not argv[4].isdigit():
        print(f"usage: {argv[0]} EXPORT.conll NATIVE.json DOCUMENTS LEFT_OUT", file=sys.stderr)
        return 2
    try:
        with open(argv[1], encoding="utf-8") as fh:
            data = fh.read()
        with open(argv[2], encoding="utf-8") as fh:
            native = json.load(fh)
        positions = [int(p) for p in argv[3].split(",")]
    except (OSError, ValueError) as err:
        print(f"check_conll: cannot load the inputs: {err}", file=sys.stderr)
        return 2
    problems, checked = check(data, native, positions, int(argv[4]))
    for problem in problems:
        print(f"check_conll: MISMATCH: {problem}")
    if problems:
        print(f"check_conll: FAILED: {len(problems)} problem(s); {checked} entities verified")
        return 1
    print(f"check_conll: OK: {checked} entities verified")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
