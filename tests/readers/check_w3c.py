#!/usr/bin/env python3
"""Independent reader of the span annotator's W3C Web Annotation export.

Usage: python3 tests/readers/check_w3c.py EXPORT.jsonld NATIVE.json

Written against the W3C Web Annotation Data Model
(https://www.w3.org/TR/annotation-model/) and the export's documented
additions only, in plain Python 3 stdlib, sharing no code with the app.
NATIVE.json is the app's native export of the same workspace (itself checked
by check_native.py): it supplies each document's text and the annotations
the W3C export must carry.

It checks that the file is an AnnotationCollection with
`offset_unit == "codepoint"`, its annotations embedded in the `first`
AnnotationPage, `total` equal to their number; that every annotation has an
id that is `urn:uuid:` and a UUID of version 4 or 8 (the app's own id, when the
UUID cannot carry it, in `canonical`), a tagging body, at most one
commenting body (the note) and at most one identifying body (the entity), and a target whose source is one of the listed documents; that for every annotation
`text[start:end] == exact` in code points (Python's str), the prefix and
suffix sit right before and after it and are at most 32 code points, cut
only at the text's ends; and that the annotation ids map back to the native
annotations, each with the same span, label, note and entity, and none
missing.

Relations are annotations with `"motivation": "linking"`: each must have a
`urn:uuid:` id of version 4 or 8, a target of exactly two IRIs, each the id of an
annotation of the file on the same document, the first the relation's
`from` and the second its `to`; one tagging body (the type), at most one
commenting body (the note) and a SpecificResource body with purpose
`linking` whose source is the `to` IRI. Each must be a native relation with
the same ends, direction, type and note, and every native relation of the
exported documents must be there.

Prints one summary line (plus one line per problem) and exits 0 if all is
well, 1 on any mismatch, 2 if the inputs cannot be read at all.
"""

import json
import re
import sys
import urllib.parse

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
CONTEXT_CHARS = 32
IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")
UUID = re.compile(
    r"^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[48][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"
)


def is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def annotation_id(iri):
    """The app's annotation id behind an annotation IRI, as documented."""
    if iri.startswith("urn:uuid:"):
        return iri[len("urn:uuid:"):].replace("-", "")
    prefix = "urn:span-annotator:annotation:"
    if iri.startswith(prefix):
        return urllib.parse.unquote(iri[len(prefix):], errors="strict")
    return None


def check(collection, native):
    """Return (problems, number of annotations checked)."""
    problems = []
    if collection.get("@context") != CONTEXT:
        problems.append(f"@context is {collection.get('@context')!r}")
    if collection.get("type") != "AnnotationCollection":
        problems.append(f"type is {collection.get('type')!r}")
    if not IRI.match(str(collection.get("id"))):
        problems.append(f"collection id {collection.get('id')!r} is not an IRI")
    if collection.get("offset_unit") != "codepoint":
        problems.append(f"offset_unit is {collection.get('offset_unit')!r}")

    native_docs = {d["file_name"]: d for d in native["documents"]}
    texts = {}  # document IRI -> native document
    for doc in collection.get("documents") or []:
        iri, file_name = doc.get("id"), doc.get("file_name")
        if not IRI.match(str(iri)):
            problems.append(f"document id {iri!r} is not an IRI")
        if file_name not in native_docs:
            problems.append(f"document {iri!r}: unknown file_name {file_name!r}")
            continue
        texts[iri] = native_docs[file_name]

    total = collection.get("total")
    page = collection.get("first")
    if page is None:
        items = []
    elif page.get("type") != "AnnotationPage" or not IRI.match(str(page.get("id"))):
        problems.append("first is not an AnnotationPage with an IRI id")
        items = []
    else:
        items = page.get("items")
        if not isinstance(items, list) or not items:
            problems.append("the first page has no items")
            items = []
    if total != len(items):
        problems.append(f"total is {total!r} but there are {len(items)} items")

    expected = {}
    for doc in texts.values():
        for ann in native["annotations"]:
            if ann["document_id"] == doc["id"]:
                expected[ann["id"]] = ann
    seen = set()
    checked = 0
    links = []
    spans = {}  # annotation IRI -> (native annotation id, document IRI)
    for item in items:
        iri = item.get("id")
        where = f"annotation {iri!r}"
        if item.get("type") != "Annotation" or not IRI.match(str(iri)):
            problems.append(f"{where}: not an Annotation with an IRI id")
            continue
        if iri in seen:
            problems.append(f"{where}: id used twice")
        seen.add(iri)
        if item.get("motivation") == "linking":
            links.append(item)
            continue
        bodies = item.get("body") or []
        tags = [b.get("value") for b in bodies if b.get("purpose") == "tagging"]
        notes = [b.get("value") for b in bodies if b.get("purpose") == "commenting"]
        entities = [b.get("value") for b in bodies if b.get("purpose") == "identifying"]
        if any(b.get("type") != "TextualBody" for b in bodies):
            problems.append(f"{where}: a body is not a TextualBody")
        if (len(tags) != 1 or len(notes) > 1 or len(entities) > 1
                or len(bodies) != len(tags) + len(notes) + len(entities)):
            problems.append(f"{where}: bodies are {bodies!r}")
            continue
        target = item.get("target") or {}
        doc = texts.get(target.get("source"))
        if doc is None:
            problems.append(f"{where}: source {target.get('source')!r} is not listed")
            continue
        text = doc["text"]
        selectors = {s.get("type"): s for s in target.get("selector") or []}
        quote = selectors.get("TextQuoteSelector")
        position = selectors.get("TextPositionSelector")
        if quote is None or position is None:
            problems.append(f"{where}: needs a quote and a position selector")
            continue
        start, end = position.get("start"), position.get("end")
        if not (is_int(start) and is_int(end) and 0 <= start < end <= len(text)):
            problems.append(f"{where}: bad range {start!r}..{end!r}")
            continue
        exact, prefix, suffix = quote.get("exact"), quote.get("prefix"), quote.get("suffix")
        if text[start:end] != exact:
            problems.append(
                f"{where}: text[{start}:{end}] is {text[start:end]!r} but exact is {exact!r}"
            )
            continue
        if not (isinstance(prefix, str) and isinstance(suffix, str)):
            problems.append(f"{where}: prefix and suffix must be strings")
            continue
        if text[start - len(prefix):start] != prefix or len(prefix) > CONTEXT_CHARS:
            problems.append(f"{where}: prefix {prefix!r} does not precede the quote")
        elif len(prefix) < CONTEXT_CHARS and start - len(prefix) != 0:
            problems.append(f"{where}: prefix {prefix!r} is cut short")
        if text[end:end + len(suffix)] != suffix or len(suffix) > CONTEXT_CHARS:
            problems.append(f"{where}: suffix {suffix!r} does not follow the quote")
        elif len(suffix) < CONTEXT_CHARS and end + len(suffix) != len(text):
            problems.append(f"{where}: suffix {suffix!r} is cut short")

        if not UUID.match(iri):
            problems.append(f"{where}: id is not urn:uuid: and a UUID of version 4 or 8")
        # An id the UUID cannot carry is kept in `canonical`.
        own_id = annotation_id(item.get("canonical") or iri)
        ann = expected.pop(own_id, None)
        if ann is None:
            problems.append(f"{where}: id {own_id!r} is no native annotation of the document")
            continue
        spans[iri] = (own_id, target.get("source"))
        wanted = (ann["start"], ann["end"], ann["label"], ann.get("note"), ann.get("entity"))
        found = (start, end, tags[0], notes[0] if notes else None,
                 entities[0] if entities else None)
        if wanted != found:
            problems.append(f"{where}: native has {wanted!r}, export has {found!r}")
            continue
        checked += 1
    for missing in expected:
        problems.append(f"native annotation {missing!r} is missing")
    linked, link_problems = check_links(links, spans, native, set(texts))
    return problems + link_problems, checked + linked


def check_links(links, spans, native, documents):
    """Check the linking annotations against the native relations of the
    exported documents; return (number verified, problems)."""
    problems = []
    document_of = {a["id"]: a["document_id"] for a in native["annotations"]}
    prefix = "urn:span-annotator:document:"
    exported = {urllib.parse.unquote(iri[len(prefix):]) for iri in documents
                if iri.startswith(prefix)}
    expected = {r["id"]: r for r in native.get("relations") or []
                if document_of.get(r["from"]) in exported}
    checked = 0
    for item in links:
        iri = item["id"]
        where = f"relation {iri!r}"
        if not UUID.match(iri):
            problems.append(f"{where}: id is not urn:uuid: and a UUID of version 4 or 8")
        target = item.get("target")
        if not (isinstance(target, list) and len(target) == 2
                and all(isinstance(t, str) for t in target)):
            problems.append(f"{where}: target is not two IRIs: {target!r}")
            continue
        ends = [spans.get(t) for t in target]
        if None in ends:
            problems.append(f"{where}: a target is no annotation of the file: {target!r}")
            continue
        if ends[0][1] != ends[1][1]:
            problems.append(f"{where}: its ends are on two documents")
        bodies = item.get("body") or []
        tags = [b.get("value") for b in bodies
                if b.get("type") == "TextualBody" and b.get("purpose") == "tagging"]
        notes = [b.get("value") for b in bodies
                 if b.get("type") == "TextualBody" and b.get("purpose") == "commenting"]
        pointers = [b.get("source") for b in bodies
                    if b.get("type") == "SpecificResource" and b.get("purpose") == "linking"]
        if (len(tags) != 1 or len(notes) > 1 or pointers != [target[1]]
                or len(bodies) != len(tags) + len(notes) + 1):
            problems.append(f"{where}: bodies are {bodies!r}")
            continue
        relation = expected.pop(annotation_id(item.get("canonical") or iri), None)
        if relation is None:
            problems.append(f"{where}: no native relation has its id")
            continue
        wanted = (relation["from"], relation["to"], relation["type"], relation.get("note"))
        found = (ends[0][0], ends[1][0], tags[0], notes[0] if notes else None)
        if wanted != found:
            problems.append(f"{where}: native has {wanted!r}, export has {found!r}")
            continue
        checked += 1
    for missing in expected:
        problems.append(f"native relation {missing!r} is missing")
    return checked, problems


def main(argv):
    if len(argv) != 3:
        print(f"usage: {argv[0]} EXPORT.jsonld NATIVE.json", file=sys.stderr)
        return 2
    try:
        with open(argv[1], encoding="utf-8") as fh:
            collection = json.load(fh)
        with open(argv[2], encoding="utf-8") as fh:
            native = json.load(fh)
    except (OSError, ValueError) as err:
        print(f"check_w3c: cannot load the inputs: {err}", file=sys.stderr)
        return 2
    if not isinstance(collection, dict):
        print("check_w3c: the export is not a JSON object", file=sys.stderr)
        return 2
    problems, checked = check(collection, native)
    for problem in problems:
        print(f"check_w3c: MISMATCH: {problem}")
    if problems:
        print(f"check_w3c: FAILED: {len(problems)} problem(s); {checked} annotations and relations verified")
        return 1
    print(f"check_w3c: OK: {checked} annotations and relations verified")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
