#!/usr/bin/env python3
"""Independent reader of the span annotator's brat standoff export (a zip).

Usage: python3 tests/readers/check_brat.py EXPORT.zip NATIVE.json LEFT_OUT

Written against brat's standoff format (https://brat.nlpl.eu/standoff.html)
and the rules brat's own reader applies (server/src/annotation.py), in plain
Python 3 stdlib, sharing no code with the app. NATIVE.json is the app's
native export of the same workspace (itself checked by check_native.py);
LEFT_OUT is how many spans the export said it left out.

The zip must hold one folder with annotation.conf and, for every .ann, the
.txt of the same stem, its entries marked as made on Unix with UTF-8 names
(what Info-ZIP's unzip needs to read a non-ASCII name without a warning). A .txt is decoded as UTF-8 with no newline
translation, as brat's codecs.open does, and must equal a native document's
text. A .ann is split into lines with str.splitlines(), as brat's codecs
reader does, so a line break of any kind inside a text is caught. Every
T line is read as brat reads it: `ID<TAB>TYPE START END[;START END]...<TAB>TEXT`,
fragments in order and apart, TEXT the fragments' texts joined by one
space, checked against the .txt at its offsets in code points
(`text[start:end]`); its type must be declared in annotation.conf. Every T
line must be a native annotation of that document, its label (brat type, or
the name visual.conf shows for it) the same and its fragments inside the
span, holding the span's text but for white space; every note (#) must be
on an existing T and be that annotation's note with tabs and line breaks
made spaces. T lines plus LEFT_OUT must count the native annotations.
Every R line (`R1<TAB>located_in Arg1:T3 Arg2:T7`, after the T lines) must
have a type declared in annotation.conf's [relations] and be a native
relation from the annotation of its Arg1 to that of its Arg2 whose type is
the R's with underscores read as spaces, its note (#) the relation's; every
native relation between two annotations with T lines must be an R line.

Prints one summary line (plus one line per problem) and exits 0 if all is
well, 1 on any mismatch, 2 if the inputs cannot be read at all.
"""

import json
import posixpath
import re
import sys
import zipfile

DISCONT_SEP = " "


def conf_sections(conf):
    """{section: [non-comment, non-blank lines]} of a brat .conf file."""
    sections, current = {}, None
    for line in conf.splitlines():
        if not line.strip() or re.match(r"^\s*#", line):
            continue
        header = re.match(r"^\[(.*)\]$", line.strip())
        if header:
            current = sections.setdefault(header.group(1), [])
        elif current is not None:
            current.append(line)
    return sections


def parse_t_line(tail, text):
    """(type, fragments, text) of a T line's tail after the id, or a
    problem string, read as brat's _parse_textbound_annotation does."""
    if "\t" not in tail:
        return "no tab before the text"
    data, data_tail = tail.split("\t", 1)
    if " " not in data:
        return f"no offsets in {data!r}"
    kind, rest = data.split(" ", 1)
    fragments = []
    for part in rest.split(";"):
        numbers = part.split(" ")
        if len(numbers) != 2 or not all(n.isdigit() for n in numbers):
            return f"bad fragment {part!r}"
        start, end = int(numbers[0]), int(numbers[1])
        if not start < end <= len(text):
            return f"bad fragment {start}..{end} for {len(text)} code points"
        if fragments and start <= fragments[-1][1]:
            return f"fragment {start}..{end} overlaps or touches the one before"
        fragments.append((start, end))
    expected = DISCONT_SEP.join(text[s:e] for s, e in fragments)
    span_text, after = data_tail[: len(expected)], data_tail[len(expected):]
    if span_text != expected:
        return f"text {data_tail!r} is not text at the offsets {expected!r}"
    if after.strip():
        return f"{after!r} follows the text"
    if not expected.strip():
        return "the text is only white space, which brat reads as missing"
    return kind, fragments, span_text


def check(archive, native, left_out):
    """Return (problems, number of T lines checked)."""
    problems = []
    for info in archive.infolist():
        # Info-ZIP's unzip reads names as code page 437 unless the UTF-8 flag
        # is set, and warns about non-ASCII names in zips made on MS-DOS.
        if not info.filename.isascii() and not info.flag_bits & 0x800:
            problems.append(f"{info.filename}: a non-ASCII name without the UTF-8 flag")
        if info.create_system != 3:
            problems.append(f"{info.filename}: made on system {info.create_system}, not Unix")
    names = [n for n in archive.namelist() if not n.endswith("/")]
    folders = {posixpath.dirname(n) for n in names}
    if len(folders) != 1 or "" in folders:
        problems.append(f"the zip must hold one folder, not {sorted(folders)!r}")
        return problems, 0
    folder = folders.pop()
    try:
        conf = archive.read(f"{folder}/annotation.conf").decode("utf-8")
        visual = archive.read(f"{folder}/visual.conf").decode("utf-8")
    except KeyError as err:
        problems.append(f"missing {err}")
        return problems, 0
    sections = conf_sections(conf)
    for section in ("entities", "relations", "events", "attributes"):
        if section not in sections:
            problems.append(f"annotation.conf has no [{section}]")
    types = {line.split()[0] for line in sections.get("entities", [])}
    relation_types = {line.split()[0] for line in sections.get("relations", [])}
    shown = {}
    for line in conf_sections(visual).get("labels", []):
        terms = [t.strip() for t in line.split("|")]
        shown[terms[0]] = terms[1]

    by_text = {d["text"]: d for d in native["documents"]}
    checked = 0
    relations_read = 0
    exported = set()
    for name in sorted(n for n in names if n.endswith(".ann")):
        stem = name[: -len(".ann")]
        try:
            text = archive.read(stem + ".txt").decode("utf-8")
        except KeyError:
            problems.append(f"{name}: no {stem}.txt")
            continue
        doc = by_text.get(text)
        if doc is None:
            problems.append(f"{stem}.txt is no native document's text")
            continue
        if doc["id"] in exported:
            problems.append(f"{stem}.txt: document {doc['id']!r} appears twice")
        exported.add(doc["id"])
        spans = [a for a in native["annotations"] if a["document_id"] == doc["id"]]
        used = set()
        notes = {}
        native_of = {}
        span_ids = {a["id"] for a in spans}
        relations = [r for r in native.get("relations", []) if r["from"] in span_ids]
        matched = set()
        lines = archive.read(name).decode("utf-8").splitlines(keepends=True)
        for number, line in enumerate(lines, start=1):
            where = f"{name}:{number}"
            if not line.endswith("\n") or "\n" in line[:-1]:
                problems.append(f"{where}: a line must end with \\n and hold no other break")
            line = line[:-1] if line.endswith("\n") else line
            ann_id, _, tail = line.partition("\t")
            if ann_id.startswith("#"):
                data, _, note = tail.partition("\t")
                kind, _, target = data.partition(" ")
                if kind != "AnnotatorNotes" or target not in notes:
                    problems.append(f"{where}: note on {target!r} before or without its T line")
                elif notes[target] != note:
                    problems.append(f"{where}: note {note!r}, native {notes[target]!r}")
                else:
                    notes[target] = None
                continue
            if re.match(r"^R[0-9]+$", ann_id):
                found = re.match(r"^(\S+) Arg1:(T[0-9]+) Arg2:(T[0-9]+)$", tail)
                if not found:
                    problems.append(f"{where}: not a relation between two T lines: {line!r}")
                    continue
                kind, arg1, arg2 = found.groups()
                if kind not in relation_types:
                    problems.append(f"{where}: relation type {kind!r} is not in annotation.conf")
                ends = (native_of.get(arg1), native_of.get(arg2))
                at = next((i for i, r in enumerate(relations)
                           if i not in matched and (r["from"], r["to"]) == ends
                           and r["type"] == kind.replace("_", " ")), None)
                if at is None:
                    problems.append(f"{where}: {kind} {arg1} {arg2} is no native relation")
                    continue
                matched.add(at)
                note = relations[at].get("note")
                if note is not None:
                    notes[ann_id] = re.sub(r"[\t\n\x0b\x0c\r\x1c-\x1e\x85\u2028\u2029]+", " ",
                                           note)
                relations_read += 1
                continue
            if not re.match(r"^T[0-9]+$", ann_id):
                problems.append(f"{where}: unexpected line {line!r}")
                continue
            parsed = parse_t_line(tail, text)
            if isinstance(parsed, str):
                problems.append(f"{where}: {parsed}")
                continue
            kind, fragments, span_text = parsed
            if kind not in types:
                problems.append(f"{where}: type {kind!r} is not in annotation.conf")
            label = shown.get(kind, kind)
            bare = "".join(span_text.split())
            owner = next(
                (
                    i
                    for i, a in enumerate(spans)
                    if i not in used
                    and a["label"] == label
                    and a["start"] <= fragments[0][0]
                    and fragments[-1][1] <= a["end"]
                    and "".join(a["quote"].split()) == bare
                ),
                None,
            )
            if owner is None:
                problems.append(f"{where}: {label} {fragments} is no native annotation")
                continue
            used.add(owner)
            native_of[ann_id] = spans[owner]["id"]
            note = spans[owner].get("note")
            if note is not None:
                notes[ann_id] = re.sub(r"[\t\n\x0b\x0c\r\x1c-\x1e\x85\u2028\u2029]+", " ", note)
            checked += 1
        written = set(native_of.values())
        problems += [f"{name}: relation {r['id']} has no R line" for i, r in enumerate(relations)
                     if i not in matched and r["from"] in written and r["to"] in written]
        for target, note in notes.items():
            if note is not None:
                problems.append(f"{name}: the note of {target} is missing")
    total = sum(1 for a in native["annotations"] if a["document_id"] in exported)
    if checked + left_out != total:
        problems.append(
            f"{checked} T lines and {left_out} left out, but the exported documents"
            f" have {total} annotations"
        )
    if not exported:
        problems.append("no document at all")
    return problems, (checked, relations_read)


def main(argv):
    if len(argv) != 4 or not argv[3].isdigit():
        print(f"usage: {argv[0]} EXPORT.zip NATIVE.json LEFT_OUT", file=sys.stderr)
        return 2
    try:
        archive = zipfile.ZipFile(argv[1])
        if archive.testzip() is not None:
            raise ValueError("a CRC does not match")
        with open(argv[2], encoding="utf-8") as fh:
            native = json.load(fh)
    except (OSError, ValueError, zipfile.BadZipFile) as err:
        print(f"check_brat: cannot load the inputs: {err}", file=sys.stderr)
        return 2
    problems, (checked, relations) = check(archive, native, int(argv[3]))
    for problem in problems:
        print(f"check_brat: MISMATCH: {problem}")
    if problems:
        print(f"check_brat: FAILED: {len(problems)} problem(s); {checked} T lines verified")
        return 1
    print(f"check_brat: OK: {checked} T lines and {relations} R lines verified")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
