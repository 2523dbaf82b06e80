#!/usr/bin/env python3
"""Independent reader of the span annotator's native JSON export.

Usage: python3 tests/readers/check_native.py EXPORT.json SEEDS_DIR

Written against the documented format only (plain Python 3 stdlib, no code
shared with the app), so that it catches offset bugs the app's own reader
would share. Python's str indexes by Unicode code point, the export's
declared offset unit, so `text[start:end]` is the ground truth.

For every annotation it checks that `doc_text[start:end] == quote`, where
`doc_text` is the seed file `SEEDS_DIR/<file_name>` read as UTF-8 with no
newline translation, and that the exported document's `text` equals that
file. It also checks `version == 1` and `offset_unit == "codepoint"`.

Prints one summary line (plus one line per problem) and exits 0 if all is
well, 1 on any mismatch, 2 if the inputs cannot be read at all.
"""

import json
import os
import sys


def is_int(value):
    # bool is a subclass of int in Python; `true` is not an offset.
    return isinstance(value, int) and not isinstance(value, bool)


def check(export, seeds_dir):
    """Return (problems, number of annotations checked, number of documents)."""
    problems = []
    if export.get("version") != 1:
        problems.append(f"version is {export.get('version')!r}, expected 1")
    if export.get("offset_unit") != "codepoint":
        problems.append(
            f"offset_unit is {export.get('offset_unit')!r}, expected 'codepoint'"
        )

    documents = export.get("documents")
    annotations = export.get("annotations")
    if not isinstance(documents, list) or not isinstance(annotations, list):
        problems.append("'documents' and 'annotations' must both be lists")
        return problems, 0, 0

    # document id -> seed text (None if the document itself is broken, so its
    # annotations are reported as unverifiable rather than crashing).
    texts = {}
    for doc in documents:
        doc_id = doc.get("id") if isinstance(doc, dict) else None
        if doc_id is None:
            problems.append(f"document without an id: {doc!r:.80}")
            continue
        if doc_id in texts:
            problems.append(f"document {doc_id!r}: duplicate id")
        texts[doc_id] = None
        file_name = doc.get("file_name")
        # A bare file name only: the export must not be able to point us at
        # arbitrary paths.
        if not isinstance(file_name, str) or os.path.basename(file_name) != file_name:
            problems.append(f"document {doc_id!r}: bad file_name {file_name!r}")
            continue
        path = os.path.join(seeds_dir, file_name)
        try:
            # newline="": no CRLF/CR translation, offsets count every char.
            with open(path, encoding="utf-8", newline="") as fh:
                seed_text = fh.read()
        except OSError as err:
            problems.append(f"document {doc_id!r}: cannot read {path}: {err}")
            continue
        if doc.get("text") != seed_text:
            problems.append(
                f"document {doc_id!r}: exported text differs from {path}"
                f" ({len(doc.get('text') or '')} vs {len(seed_text)} code points)"
            )
        texts[doc_id] = seed_text

    checked = 0
    for ann in annotations:
        if not isinstance(ann, dict):
            problems.append(f"annotation is not an object: {ann!r:.80}")
            continue
        ann_id = ann.get("id")
        where = f"annotation {ann_id!r}"
        doc_id = ann.get("document_id")
        if doc_id not in texts:
            problems.append(f"{where}: unknown document_id {doc_id!r}")
            continue
        text = texts[doc_id]
        if text is None:
            problems.append(f"{where}: document {doc_id!r} could not be verified")
            continue
        start, end, quote = ann.get("start"), ann.get("end"), ann.get("quote")
        if not (is_int(start) and is_int(end) and 0 <= start < end <= len(text)):
            problems.append(
                f"{where}: bad range {start!r}..{end!r} for a text of"
                f" {len(text)} code points"
            )
            continue
        actual = text[start:end]
        if actual != quote:
            problems.append(
                f"{where}: text[{start}:{end}] is {actual!r} but quote is {quote!r}"
            )
            continue
        checked += 1
    return problems, checked, len(texts)


def main(argv):
    if len(argv) != 3:
        print(f"usage: {argv[0]} EXPORT.json SEEDS_DIR", file=sys.stderr)
        return 2
    export_path, seeds_dir = argv[1], argv[2]
    try:
        with open(export_path, encoding="utf-8") as fh:
            export = json.load(fh)
    except (OSError, ValueError) as err:
        print(f"check_native: cannot load {export_path}: {err}", file=sys.stderr)
        return 2
    if not isinstance(export, dict):
        print(f"check_native: {export_path} is not a JSON object", file=sys.stderr)
        return 2

    problems, checked, docs = check(export, seeds_dir)
    for problem in problems:
        print(f"check_native: MISMATCH: {problem}")
    total = len(export.get("annotations") or [])
    if problems:
        print(
            f"check_native: FAILED: {len(problems)} problem(s);"
            f" {checked}/{total} annotations verified in {docs} document(s)"
        )
        return 1
    print(f"check_native: OK: {checked}/{total} annotations verified in {docs} document(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
