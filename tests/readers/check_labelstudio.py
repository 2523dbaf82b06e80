#!/usr/bin/env python3
"""A Label Studio export checked by Label Studio's own validation: the
`LabelInterface` of the PyPI package label-studio-sdk, which Label Studio
uses to validate a labeling configuration and the results of annotations
and predictions against it.

Usage: check_labelstudio.py EXPORT.json NATIVE.json UNIT [CONFIG.xml]

Runs with the readers' virtualenv (scripts/setup makes it). EXPORT.json is
a list of tasks in Label Studio's JSON task format
(https://labelstud.io/guide/task_format): each task a `data` object holding
the text and an `annotations` (or, if it has none, `predictions`) list,
each with a `result` list of regions such as
`{"from_name": "label", "to_name": "text", "type": "labels",
  "value": {"start": 0, "end": 6, "text": "Russia", "labels": ["Location"]}}`.
UNIT is what `start` and `end` count: `codepoint` (Python's str) or
`utf16` (JavaScript's). CONFIG.xml is the labeling configuration to check
against; without it, it is the one of Label Studio's "Named Entity
Recognition" template, `<Labels name="label" toName="text">` over
`<Text name="text" value="$text"/>`, with one `<Label>` per native label,
and, when the native export has relations, a `<Relations>` tag with one
`<Relation>` per native relation type, as Label Studio's relation
extraction template declares them.

It fails when Label Studio
- finds the configuration invalid (`LabelInterface.validate`), or its
  labels are not the native export's;
- finds a task without the data its `<Text>` reads (as
  `LabelInterface.validate_task` checks);
- rejects an annotation (`LabelInterface.validate_annotation`: every region
  names a control and an object of the configuration, has the control's
  type, a `value` with `start`, `end` and `labels` all of the control's);
and when what it holds differs from the native export: every task's text
must be a native document's text, each document once; every region's
`start`/`end` (in UNIT) must be those of a native annotation of that
document with its one label, `value.text`, if present, the text there,
its `meta.text` the annotation's note alone (no `meta` without a note);
and the regions must count the native annotations of the exported
documents (Label Studio holds overlapping and nested spans, so none is
left out). Relation results (`{"type": "relation", "from_id", "to_id",
"direction", "labels"}`, whose ends Label Studio checks are regions of the
annotation) must be the native relations of the exported documents: from
`from_id` to `to_id`, `"direction": "right"`, one label, the type, which the
configuration declares; none missing.

Prints one summary line (plus one MISMATCH line per problem) and exits 0
if all is well, 1 on any mismatch, 2 if the inputs cannot be read or the
SDK is not installed.
"""

import json
import sys
from xml.etree import ElementTree
from xml.sax.saxutils import quoteattr

try:
    from label_studio_sdk.label_interface import LabelInterface
except ImportError as error:
    print(f"check_labelstudio: cannot import {error.name}: run scripts/setup test",
          file=sys.stderr)
    sys.exit(2)


def ner_template(labels, relation_types):
    """Label Studio's Named Entity Recognition template with these labels,
    and a `<Relations>` tag declaring the relation types, if any."""
    options = "\n".join(f"    <Label value={quoteattr(label)}/>" for label in labels)
    relations = "\n".join(f"    <Relation value={quoteattr(kind)}/>" for kind in relation_types)
    if relations:
        relations = f"  <Relations>\n{relations}\n  </Relations>\n"
    return (f'<View>\n{relations}  <Labels name="label" toName="text">\n{options}\n'
            '  </Labels>\n  <Text name="text" value="$text"/>\n</View>\n')


def code_points(text, unit):
    """{offset in `unit`: offset in code points} for every boundary of `text`."""
    if unit == "codepoint":
        return {i: i for i in range(len(text) + 1)}
    table, at = {0: 0}, 0
    for i, char in enumerate(text):
        at += 2 if ord(char) > 0xFFFF else 1
        table[at] = i + 1
    return table


def relation_labels(config):
    """The values of the configuration's <Relation> tags."""
    return {tag.get("value") for tag in ElementTree.fromstring(config).iter("Relation")}


def check(tasks, native, unit, interface, declared):
    """Return (problems, number of regions checked)."""
    problems = []
    try:
        interface.validate()
    except Exception as error:  # the SDK raises its own validation errors
        problems.append(f"Label Studio rejects the labeling configuration: {error}")
    labels = sorted({label for control in interface.controls for label in control.labels or []})
    if labels != sorted(label["name"] for label in native["labels"]):
        problems.append(f"the configuration's labels {labels} are not the native labels")
    texts = [obj.value_name for obj in interface.objects if obj.value_is_variable]
    if not isinstance(tasks, list) or not tasks:
        return problems + ["the export is not a non-empty list of tasks"], 0

    by_text = {d["text"]: d for d in native["documents"]}
    exported, checked = set(), 0
    relations = {}  # (from, to, type) of every relation result, by document
    for number, task in enumerate(tasks, start=1):
        where = f"task {number}"
        data = task.get("data") if isinstance(task, dict) else None
        if not isinstance(data, dict) or any(data.get(name) is None for name in texts):
            problems.append(f"{where}: no data {texts} for the configuration's objects")
            continue
        text = data[texts[0]] if texts else None
        document = by_text.get(text)
        if document is None:
            problems.append(f"{where}: its text is no native document's text")
            continue
        if document["id"] in exported:
            problems.append(f"{where}: document {document['id']!r} appears twice")
        exported.add(document["id"])
        objects = task.get("annotations") or task.get("predictions") or []
        if not isinstance(objects, list):
            problems.append(f"{where}: annotations is not a list")
            continue
        spans = [a for a in native["annotations"] if a["document_id"] == document["id"]]
        table = code_points(text, unit)
        used = set()
        for annotation in objects:
            if not interface.validate_annotation(annotation):
                # validate_prediction runs the same checks and says why.
                for reason in interface.validate_prediction(annotation, return_errors=True):
                    problems.append(f"{where}: Label Studio rejects it: {reason}")
                continue
            for region in annotation["result"]:
                if region.get("type") == "relation":
                    relations.setdefault(document["id"], []).append(region)
                    continue
                value = region["value"]
                start, end = table.get(value.get("start")), table.get(value.get("end"))
                if start is None or end is None or len(value["labels"]) != 1:
                    problems.append(f"{where}: region {value} is not one label on a span of "
                                    f"the text in {unit}")
                    continue
                if "text" in value and value["text"] != text[start:end]:
                    problems.append(f"{where}: region text {value['text']!r} is not "
                                    f"{text[start:end]!r}, the text at its offsets")
                owner = next((i for i, a in enumerate(spans)
                              if i not in used and a["label"] == value["labels"][0]
                              and (a["start"], a["end"]) == (start, end)), None)
                if owner is None:
                    problems.append(f"{where}: {value['labels'][0]} {start}..{end} (code points) "
                                    "is no native annotation")
                    continue
                used.add(owner)
                note = spans[owner].get("note")
                meta = region.get("meta")
                shown = meta.get("text") if isinstance(meta, dict) else meta
                if shown != ([note] if note else None):
                    problems.append(f"{where}: region meta {meta!r} does not hold the note "
                                    f"{note!r} alone")
                checked += 1
    total = sum(1 for a in native["annotations"] if a["document_id"] in exported)
    if checked != total:
        problems.append(f"{checked} regions, but the exported documents have {total} annotations")
    return problems + check_relations(relations, native, exported, declared), checked


def check_relations(found, native, exported, declared):
    """Each relation result (Label Studio has checked that its ends are
    regions of its annotation, and its direction) must be a native relation
    of its document: from `from_id` to `to_id` with `"direction": "right"`,
    its one label the type, declared in the configuration's <Relations>;
    and every native relation of the exported documents must be there."""
    problems = []
    document_of = {a["id"]: a["document_id"] for a in native["annotations"]}
    wanted = sorted((document_of[r["from"]], r["from"], r["to"], r["type"])
                    for r in native.get("relations") or []
                    if document_of.get(r["from"]) in exported)
    got = []
    for document, results in found.items():
        for result in results:
            labels = result.get("labels")
            if result.get("direction") != "right" or not (
                    isinstance(labels, list) and len(labels) == 1):
                problems.append(f"relation {result!r}: not one label to the right")
                continue
            if labels[0] not in declared:
                problems.append(f"relation {result!r}: {labels[0]!r} is no <Relation> of the "
                                "configuration")
            got.append((document, result.get("from_id"), result.get("to_id"), labels[0]))
    if sorted(got) != wanted:
        problems.append(f"the relations are {sorted(got)!r}; the native ones {wanted!r}")
    return problems


def main(argv):
    if len(argv) not in (4, 5) or argv[3] not in ("codepoint", "utf16"):
        print(f"usage: {argv[0]} EXPORT.json NATIVE.json codepoint|utf16 [CONFIG.xml]",
              file=sys.stderr)
        return 2
    try:
        with open(argv[1], encoding="utf-8") as fh:
            tasks = json.load(fh)
        with open(argv[2], encoding="utf-8") as fh:
            native = json.load(fh)
        if len(argv) == 5:
            with open(argv[4], encoding="utf-8") as fh:
                config = fh.read()
        else:
            config = ner_template([label["name"] for label in native["labels"]],
                                  [kind["name"] for kind in native.get("relation_types") or []])
        interface = LabelInterface(config)
    except (OSError, ValueError, ElementTree.ParseError) as err:
        print(f"check_labelstudio: cannot load the inputs: {err}", file=sys.stderr)
        return 2
    problems, checked = check(tasks, native, argv[3], interface, relation_labels(config))
    for problem in problems:
        print(f"check_labelstudio: MISMATCH: {problem}")
    if problems:
        print(f"check_labelstudio: FAILED: {len(problems)} problem(s); {checked} regions verified")
        return 1
    print(f"check_labelstudio: OK: {checked} regions accepted by Label Studio's LabelInterface, "
          "each a native annotation, and the native relations")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
