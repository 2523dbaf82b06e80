#!/usr/bin/env python3
"""Independent reader of the span annotator's doccano JSONL export.

Usage: python3 tests/readers/check_doccano.py EXPORT.jsonl NATIVE.json

Written against doccano's sequence-labeling JSONL (one JSON object a line,
`{"text": ..., "label": [[start, end, "Label"], ...]}`) and the export's
documented extra keys, in plain Python 3 stdlib, sharing no code with the
app. NATIVE.json is the app's native export of the same workspace (itself
checked by check_native.py).

The file is split into lines with str.splitlines(), the strictest of
Python's line splitters, so a raw U+2028 or NEL inside a line is caught.
For every line it checks `offset_unit == "codepoint"`, that `document_id`
names a native document whose text equals `text`, that `label` is sorted
by start then end, and that its spans are exactly the native annotations
of that document, each with `text[start:end] == quote` in code points.

A line may instead have doccano's relation-extraction shape: `entities`
(`{"id", "start_offset", "end_offset", "label", "entity"?}`, ids integers
unique in the file, `entity` the native annotation's entity name) in place
of `label`, checked the same way, and `relations` (`{"id", "from_id",
"to_id", "type"}`, ids integers unique in the file), whose ends must be
entities of the same line and which must be exactly the native relations
of that document, from → to, with their types.

Prints one summary line (plus one line per problem) and exits 0 if all is
well, 1 on any mismatch, 2 if the inputs cannot be read at all.
"""

import json
import sys
from collections import Counter


def is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def check(lines, native):
    """Return (problems, number of spans checked, number of lines)."""
    problems = []
    documents = {d["id"]: d for d in native["documents"]}
    checked = 0
    seen = set()
    entity_ids, relation_ids = set(), set()
    relations_checked = 0
    for number, line in enumerate(lines, start=1):
        where = f"line {number}"
        try:
            example = json.loads(line)
        except ValueError as err:
            problems.append(f"{where}: not one JSON object: {err}")
            continue
        if example.get("offset_unit") != "codepoint":
            problems.append(f"{where}: offset_unit is {example.get('offset_unit')!r}")
        doc = documents.get(example.get("document_id"))
        if doc is None:
            problems.append(f"{where}: unknown document_id {example.get('document_id')!r}")
            continue
        if doc["id"] in seen:
            problems.append(f"{where}: document {doc['id']!r} appears twice")
        seen.add(doc["id"])
        text = example.get("text")
        if text != doc["text"]:
            problems.append(f"{where}: text differs from document {doc['id']!r}")
            continue
        entities = example.get("entities")
        by_id = {}
        if entities is not None:
            if "label" in example or not isinstance(entities, list):
                problems.append(f"{where}: entities must be a list, and no label beside it")
                continue
            spans = []
            for entity in entities:
                if not (isinstance(entity, dict) and is_int(entity.get("id"))
                        and set(entity) <= {"id", "start_offset", "end_offset", "label",
                                            "entity"}):
                    problems.append(f"{where}: bad entity {entity!r}")
                    continue
                if entity["id"] in entity_ids:
                    problems.append(f"{where}: entity id {entity['id']} is not unique")
                entity_ids.add(entity["id"])
                span = [entity.get("start_offset"), entity.get("end_offset"),
                        entity.get("label")]
                by_id[entity["id"]] = (*span, entity.get("entity"))
                spans.append(span)
        else:
            spans = example.get("label")
        if not isinstance(spans, list):
            problems.append(f"{where}: label is not a list")
            continue
        found = Counter()
        previous = (0, 0)
        for span in spans:
            if not (
                isinstance(span, list)
                and len(span) == 3
                and is_int(span[0])
                and is_int(span[1])
                and isinstance(span[2], str)
                and 0 <= span[0] < span[1] <= len(text)
            ):
                problems.append(f"{where}: bad span {span!r}")
                continue
            start, end, label = span
            if (start, end) < previous:
                problems.append(f"{where}: {span!r} is out of order")
            previous = (start, end)
            found[(start, end, label, text[start:end])] += 1
        wanted = Counter(
            (a["start"], a["end"], a["label"], a["quote"])
            for a in native["annotations"]
            if a["document_id"] == doc["id"]
        )
        for start, end, label, quote in (wanted - found).elements():
            problems.append(
                f"{where}: native {label} {start}..{end} {quote!r} is missing,"
                f" or text[{start}:{end}] differs from its quote"
            )
        for start, end, label, quote in (found - wanted).elements():
            problems.append(f"{where}: {label} {start}..{end} {quote!r} is no native annotation")
        checked += sum((found & wanted).values())
        native_spans = {a["id"]: a for a in native["annotations"]
                        if a["document_id"] == doc["id"]}
        if entities is not None:
            named = Counter((s, e, label, name) for s, e, label, name in by_id.values())
            wanted_named = Counter((a["start"], a["end"], a["label"], a.get("entity"))
                                   for a in native_spans.values())
            for entry in (named - wanted_named).elements():
                problems.append(f"{where}: entity {entry!r} differs from the native "
                                "annotation's entity name")
        relations = example.get("relations", [])
        if entities is None and relations:
            problems.append(f"{where}: relations without entities")
        read = Counter()
        for relation in relations if isinstance(relations, list) else [relations]:
            if not (isinstance(relation, dict) and set(relation) == {"id", "from_id", "to_id",
                                                                      "type"}
                    and is_int(relation["id"]) and isinstance(relation["type"], str)):
                problems.append(f"{where}: bad relation {relation!r}")
                continue
            if relation["id"] in relation_ids:
                problems.append(f"{where}: relation id {relation['id']} is not unique")
            relation_ids.add(relation["id"])
            ends = (by_id.get(relation["from_id"]), by_id.get(relation["to_id"]))
            if None in ends:
                problems.append(f"{where}: relation {relation['id']} has an end that is no "
                                "entity of its line")
                continue
            read[(ends[0][:3], relation["type"], ends[1][:3])] += 1

        def end(annotation_id):
            a = native_spans[annotation_id]
            return (a["start"], a["end"], a["label"])

        wanted_relations = Counter(
            (end(r["from"]), r["type"], end(r["to"]))
            for r in native.get("relations", []) if r["from"] in native_spans)
        for relation in (wanted_relations - read).elements():
            problems.append(f"{where}: native relation {relation!r} is missing")
        for relation in (read - wanted_relations).elements():
            problems.append(f"{where}: relation {relation!r} is no native relation")
        relations_checked += sum((read & wanted_relations).values())
    return problems, checked, relations_checked, len(lines)


def main(argv):
    if len(argv) != 3:
        print(f"usage: {argv[0]} EXPORT.jsonl NATIVE.json", file=sys.stderr)
        return 2
    try:
        with open(argv[1], encoding="utf-8", newline="") as fh:
            lines = fh.read().splitlines()
        with open(argv[2], encoding="utf-8") as fh:
            native = json.load(fh)
    except (OSError, ValueError) as err:
        print(f"check_doccano: cannot load the inputs: {err}", file=sys.stderr)
        return 2
    problems, checked, relations, count = check(lines, native)
    for problem in problems:
        print(f"check_doccano: MISMATCH: {problem}")
    if problems:
        print(f"check_doccano: FAILED: {len(problems)} problem(s); {checked} spans verified")
        return 1
    print(f"check_doccano: OK: {checked} spans and {relations} relations verified in "
          f"{count} line(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
