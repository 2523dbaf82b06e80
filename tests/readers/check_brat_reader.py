#!/usr/bin/env python3
"""The brat export read by brat's own code: server/src/annotation.py (the
reader brat's server loads every document with), projectconfig.py (its
reader of annotation.conf and visual.conf) and verify_annotations.py (its
checker of annotations against that configuration), vendored in
tests/readers/vendor/brat/ (see its README for the commit and the one
patch).

Usage: check_brat_reader.py EXPORT.zip NATIVE.json LEFT_OUT

Needs nothing but Python 3. The zip is unpacked in a temporary folder, and
for every .ann, brat's `TextAnnotations` loads the document (the .ann and
the .txt of the same stem) read-only. brat is loaded as a library, which
its annotation.py supports by itself ("programmatic" mode: messages are
collected, not sent to a browser) when brat's server modules are absent.
projectconfig.py imports two server modules that only deliver messages and
say where brat is installed: they are stood in for here by `message`,
whose `Messager` records what brat says, and `config`, whose `BASE_DIR`
is the unpacked folder.

It fails when brat
- says anything at the level of a warning or an error while reading the
  configuration or a document, or cannot parse a line (`failed_lines`);
- reads an annotation that is not a text-bound one (T), a relation (R) or
  a note (#);
- reports any issue in `verify_annotations.verify_annotation` (types not
  in annotation.conf, overlaps annotation.conf does not allow, ...);
and when what brat read differs from the native export: every T must be a
native annotation of that document with the same label (the type's
display name in visual.conf, as brat shows it), its fragments inside the
span and holding the span's text but for white space; every note must be
that annotation's note with tabs and line breaks made spaces; T count plus
LEFT_OUT (what the export said it left out) must be the native count.
Every R must be a relation type of annotation.conf, its arguments `Arg1`
and `Arg2` the T lines of a native relation's `from` and `to` (in that
order) whose type is the R's type with underscores read as spaces, its
note (if any) the relation's; and every native relation of an exported
document whose two ends have T lines must be an R.

Prints one summary line (plus one line per problem) and exits 0 if all is
well, 1 on any mismatch, 2 if the inputs cannot be read at all.
"""

import json
import os
import re
import sys
import tempfile
import types
import zipfile

BRAT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "vendor", "brat", "server", "src")
said = []


def load_brat(base_dir):
    """brat's annotation, projectconfig and verify_annotations modules."""
    sys.path.insert(0, BRAT)
    import annotation  # noqa: E402 (brat, vendored)

    if not annotation.PROGRAMMATIC:
        raise ImportError("brat's annotation.py found brat's server modules and is not "
                          "in programmatic mode")

    def recorder(level):
        def record(message, duration=3, escaped=False):
            said.append((level, str(message)))
        return staticmethod(record)

    message = types.ModuleType("message")
    message.Messager = type("Messager", (), {
        level: recorder(level) for level in ("debug", "info", "warning", "error")
    })
    config = types.ModuleType("config")
    config.BASE_DIR = base_dir
    sys.modules["message"], sys.modules["config"] = message, config
    import projectconfig  # noqa: E402
    import verify_annotations  # noqa: E402

    return annotation, projectconfig, verify_annotations


def heard(where, start):
    """Problems for what brat said at warning level or above since `start`."""
    return [f"{where}: brat says ({level}): {text}"
            for level, text in said[start:] if level in ("warning", "error")]


def check(folder, native, left_out, brat):
    annotation, projectconfig, verify_annotations = brat
    problems = []
    collections = [d for d in os.listdir(folder) if os.path.isdir(os.path.join(folder, d))]
    if len(collections) != 1:
        return [f"the zip must hold one folder, not {sorted(collections)!r}"], 0
    collection = os.path.join(folder, collections[0])
    start = len(said)
    config = projectconfig.ProjectConfiguration(collection)
    types_known = set(config.get_entity_types())
    relation_types_known = set(config.get_relation_types())
    problems += heard("annotation.conf", start)

    by_text = {d["text"]: d for d in native["documents"]}
    checked = 0
    relations_read = 0
    exported = set()
    for name in sorted(n for n in os.listdir(collection) if n.endswith(".ann")):
        stem = os.path.join(collection, name[: -len(".ann")])
        start = len(said)
        try:
            document = annotation.TextAnnotations(stem, read_only=True)
        except Exception as error:  # brat raises plain Exceptions too
            problems.append(f"{name}: brat cannot load it: {type(error).__name__}: {error}")
            continue
        messages = document.get_messages()
        problems += [f"{name}: brat says (error): {e}" for e in messages.errors]
        problems += [f"{name}: brat says (warning): {w}" for w in messages.warnings]
        problems += [f"{name}:{n + 1}: brat cannot parse the line" for n in document.failed_lines]
        try:
            issues = verify_annotations.verify_annotation(document, config)
        except Exception as error:  # on a line it could not parse, say a relation's end
            problems.append(f"{name}: verify_annotations fails: {type(error).__name__}: {error}")
            issues = []
        problems += [f"{name}: verify_annotations: {i.human_readable_str()}" for i in issues]
        problems += heard(name, start)

        doc = by_text.get(document.get_document_text())
        if doc is None:
            problems.append(f"{name}: its text is no native document's text")
            continue
        if doc["id"] in exported:
            problems.append(f"{name}: document {doc['id']!r} appears twice")
        exported.add(doc["id"])
        spans = [a for a in native["annotations"] if a["document_id"] == doc["id"]]
        used, notes = set(), {}
        # The native annotation id of each T, and the R lines, checked after.
        native_of, r_lines, r_notes = {}, [], []
        for ann in document:
            if isinstance(ann, annotation.TextBoundAnnotationWithText):
                label = config.preferred_display_form(ann.type)
                if ann.type not in types_known:
                    problems.append(f"{name}: {ann.id}: type {ann.type!r} is not configured")
                bare = "".join(ann.text.split())
                owner = next((i for i, a in enumerate(spans)
                              if i not in used and a["label"] == label
                              and a["start"] <= ann.spans[0][0] and ann.spans[-1][1] <= a["end"]
                              and "".join(a["quote"].split()) == bare), None)
                if owner is None:
                    problems.append(f"{name}: {ann.id} {label} {ann.spans} is no native annotation")
                    continue
                used.add(owner)
                native_of[ann.id] = spans[owner]["id"]
                note = spans[owner].get("note")
                if note is not None:
                    notes[ann.id] = re.sub(r"[\t\n\x0b\x0c\r\x1c-\x1e\x85\u2028\u2029]+", " ",
                                           note)
                checked += 1
            elif (isinstance(ann, annotation.OnelineCommentAnnotation)
                  and ann.target.startswith("R")):
                r_notes.append(ann)
            elif isinstance(ann, annotation.OnelineCommentAnnotation):
                read = ann.tail.strip("\t\n")
                if ann.type != "AnnotatorNotes" or notes.get(ann.target) != read:
                    problems.append(f"{name}: {ann.id} {ann.type} on {ann.target}: {read!r}, "
                                    f"native {notes.get(ann.target)!r}")
                notes[ann.target] = None
            elif isinstance(ann, annotation.BinaryRelationAnnotation):
                r_lines.append(ann)
            else:
                problems.append(f"{name}: {ann.id}: a {type(ann).__name__}, not a T or a note")
        relations = [r for r in native.get("relations", [])
                     if r["from"] in native_of.values() and r["to"] in native_of.values()]
        matched = set()
        for ann in r_lines:
            if ann.type not in relation_types_known:
                problems.append(f"{name}: {ann.id}: relation type {ann.type!r} is not configured")
            if (ann.arg1l, ann.arg2l) != ("Arg1", "Arg2"):
                problems.append(f"{name}: {ann.id}: arguments {ann.arg1l}, {ann.arg2l}")
            ends = (native_of.get(ann.arg1), native_of.get(ann.arg2))
            found = next((i for i, r in enumerate(relations)
                          if i not in matched and (r["from"], r["to"]) == ends
                          and r["type"] == ann.type.replace("_", " ")), None)
            if found is None:
                problems.append(f"{name}: {ann.id} {ann.type} {ann.arg1} {ann.arg2} is no "
                                "native relation")
                continue
            matched.add(found)
            note = relations[found].get("note")
            if note is not None:
                notes[ann.id] = re.sub(r"[\t\n\x0b\x0c\r\x1c-\x1e\x85\u2028\u2029]+", " ",
                                       note)
            relations_read += 1
        problems += [f"{name}: relation {r['id']} has no R line" for i, r in enumerate(relations)
                     if i not in matched]
        for ann in r_notes:
            read = ann.tail.strip("\t\n")
            if ann.type != "AnnotatorNotes" or notes.get(ann.target) != read:
                problems.append(f"{name}: {ann.id} {ann.type} on {ann.target}: {read!r}, "
                                f"native {notes.get(ann.target)!r}")
            notes[ann.target] = None
        problems += [f"{name}: the note of {t} is missing" for t, n in notes.items() if n]
    total = sum(1 for a in native["annotations"] if a["document_id"] in exported)
    if checked + left_out != total:
        problems.append(f"{checked} T annotations and {left_out} left out, but the exported "
                        f"documents have {total} annotations")
    if not exported:
        problems.append("no document at all")
    return problems, (checked, relations_read)


def main(argv):
    if len(argv) != 4 or not argv[3].isdigit():
        print(f"usage: {argv[0]} EXPORT.zip NATIVE.json LEFT_OUT", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="check-brat-reader-") as folder:
        try:
            with zipfile.ZipFile(argv[1]) as archive:
                archive.extractall(folder)
            with open(argv[2], encoding="utf-8") as fh:
                native = json.load(fh)
            brat = load_brat(folder)
        except (OSError, ValueError, ImportError, zipfile.BadZipFile) as err:
            print(f"check_brat_reader: cannot load the inputs or brat: {err}", file=sys.stderr)
            return 2
        problems, (checked, relations) = check(folder, native, int(argv[3]), brat)
    for problem in problems:
        print(f"check_brat_reader: MISMATCH: {problem}")
    if problems:
        print(f"check_brat_reader: FAILED: {len(problems)} problem(s); "
              f"{checked} T annotations read by brat")
        return 1
    print(f"check_brat_reader: OK: {checked} T annotations and {relations} R relations read "
          "by brat's TextAnnotations, no issue from verify_annotations")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
