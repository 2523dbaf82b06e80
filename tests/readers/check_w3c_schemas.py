#!/usr/bin/env python3
"""The W3C export checked by the W3C's own test suite for the Web Annotation
Data Model: the JSON schemas of github.com/w3c/web-annotation-tests,
vendored in tests/readers/vendor/web-annotation-tests/ (see its README).

Usage: check_w3c_schemas.py EXPORT.jsonld NATIVE.json

Runs with the readers' virtualenv (scripts/setup makes it): it needs the
PyPI package jsonschema, with rfc3986-validator and rfc3339-validator so
that `"format": "uri"` and `"format": "date-time"` are checked, as the
suite's runner (Ajv) checks them; without them it refuses to run rather
than pass formats unchecked.

The suite has three tests of MUST-level assertions, each a `.test` file
listing assertion schemas (every one of them `"assertionType": "must"`):
- annotations/annotationMusts.test, for "a single annotation": run on
  every annotation of the collection's embedded page (`first.items`). An
  embedded annotation has no `@context` of its own; in JSON-LD the
  collection's `@context` is in force for it, so it is checked with that
  `@context`, as it would stand alone;
- collections/collectionMusts.test, for "a single Annotation Collection":
  run on the collection;
- collections/pages/pageMusts.test, for "a single Annotation Page or an
  Annotation Collection with an embedded Page": run on the collection.

They are run as the suite's runner (web-platform-tests'
annotation-model/scripts/JSONtest.js) runs them: the definitions/*.json
schemas are known by their ids; each assertion is a draft-04 schema the
content must match when its `expectedResult` is "valid" (the default) and
must not match when it is "invalid"; a nested list of assertions is run
in order; `onUnexpectedResult` (default failAndContinue) says whether the
assertions after an unexpected result still run (failAndSkip skips the
rest of that list, failAndAbort all of the rest). Properties the model
does not define (this export's `offset_unit`, `documents`) are allowed by
the model and by the schemas. The NATIVE export is read only to check
that every annotation and relation it has for the exported documents was
validated (relations are annotations with `"motivation": "linking"`).

Prints one summary line (plus one MISMATCH line per failing assertion and
object) and exits 0 if all is well, 1 on any failure, 2 if the inputs or
the suite cannot be read at all.
"""

import json
import os
import sys
import urllib.parse

try:
    import jsonschema
    import referencing
    from referencing.jsonschema import DRAFT4
except ImportError as error:
    print(f"check_w3c_schemas: cannot import {error.name}: run scripts/setup test",
          file=sys.stderr)
    sys.exit(2)

SUITE = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                     "vendor", "web-annotation-tests")
MUSTS = {
    "annotation": "annotations/annotationMusts.test",
    "collection": "collections/collectionMusts.test",
    "page": "collections/pages/pageMusts.test",
}
ACTIONS = {
    "failAndContinue": "continue", "failAndSkip": "skip", "failAndAbort": "abort",
    "passAndContinue": "continue", "passAndSkip": "skip", "passAndAbort": "abort",
}


def load(path):
    with open(os.path.join(SUITE, path), encoding="utf-8") as file:
        return json.load(file)


def registry():
    """The suite's definitions, by the ids its assertions refer to them by."""
    resources = []
    folder = os.path.join(SUITE, "definitions")
    for name in sorted(os.listdir(folder)):
        if name.endswith(".json"):
            schema = load(f"definitions/{name}")
            resources.append((schema["id"], DRAFT4.create_resource(schema)))
    if not resources:
        raise OSError(f"no definitions in {folder}")
    return referencing.Registry().with_resources(resources)


def assertions(test):
    """The test's assertions, loaded, nested as its list is."""
    def expand(item):
        if isinstance(item, list):
            return [expand(inner) for inner in item]
        if isinstance(item, str):
            return dict(load(item), assertionFile=item)
        if "assertionFile" in item:
            return dict(load(item["assertionFile"]), **item)
        return item
    listed = load(test)["assertions"]
    if not isinstance(listed, list) or not listed:
        raise ValueError(f"{test} lists no assertions")
    return expand(listed)


def format_checker():
    """Draft 4's format checker, refusing to go on without the two formats
    the suite uses: jsonschema leaves a format it cannot check unchecked."""
    checker = jsonschema.Draft4Validator.FORMAT_CHECKER
    missing = [f for f in ("uri", "date-time") if f not in checker.checkers]
    if missing:
        print(f"check_w3c_schemas: jsonschema cannot check format {', '.join(missing)}: "
              "install rfc3986-validator and rfc3339-validator (scripts/setup test)",
              file=sys.stderr)
        sys.exit(2)
    return checker


def count(listed):
    """How many assertions a (nested) list holds."""
    return sum(count(a) if isinstance(a, list) else 1 for a in listed)


def run(listed, content, registry, checker, failures, counts):
    """One (nested) list of assertions on `content`, as JSONtest.runTests
    does; returns the action for what follows."""
    action = "continue"
    for assertion in listed:
        if isinstance(assertion, list):
            if run(assertion, content, registry, checker, failures, counts) == "abort":
                action = "abort"
            continue
        if action == "abort":
            return "abort"
        if action != "continue":
            counts["skipped"] += 1
            continue
        if assertion.get("assertionType") != "must":
            failures.append(f"{assertion.get('assertionFile')} is not a MUST assertion")
        schema = {k: v for k, v in assertion.items() if k != "assertionFile"}
        validator = jsonschema.Draft4Validator(schema, registry=registry, format_checker=checker)
        errors = list(validator.iter_errors(content))
        expected = assertion.get("expectedResult", "valid")
        counts["run"] += 1
        if (expected == "valid") == (not errors):
            continue
        action = ACTIONS.get(assertion.get("onUnexpectedResult", "failAndContinue"), "continue")
        if errors:
            error = jsonschema.exceptions.best_match(errors)
            detail = f"at /{'/'.join(map(str, error.absolute_path))}: {error.message[:200]}"
        else:
            detail = "it matched, and must not"
        failures.append(f"{assertion.get('assertionFile')}: {assertion.get('errorMessage', '')} "
                        f"[{detail}]")
    return action


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        with open(sys.argv[1], encoding="utf-8") as file:
            collection = json.load(file)
        with open(sys.argv[2], encoding="utf-8") as file:
            native = json.load(file)
        known = registry()
        tests = {kind: assertions(path) for kind, path in MUSTS.items()}
    except (OSError, ValueError, KeyError) as error:
        print(f"check_w3c_schemas: cannot read the inputs or the suite: {error}", file=sys.stderr)
        return 2
    checker = format_checker()
    if not isinstance(collection, dict):
        print("check_w3c_schemas: MISMATCH: the export is not a JSON object")
        return 1

    problems = []
    counts = {"run": 0, "skipped": 0}
    for kind in ("collection", "page"):
        failures = []
        run(tests[kind], collection, known, checker, failures, counts)
        problems += [f"{MUSTS[kind]} on the collection: {f}" for f in failures]

    first = collection.get("first")
    items = first.get("items") if isinstance(first, dict) else None
    if not isinstance(items, list):
        problems.append("the collection has no embedded page with items")
        items = []
    context = collection.get("@context")
    for index, annotation in enumerate(items):
        if isinstance(annotation, dict) and "@context" not in annotation and context is not None:
            annotation = {"@context": context, **annotation}
        failures = []
        run(tests["annotation"], annotation, known, checker, failures, counts)
        name = annotation.get("id", f"item {index}") if isinstance(annotation, dict) else index
        problems += [f"{MUSTS['annotation']} on {name}: {f}" for f in failures]

    prefix = "urn:span-annotator:document:"
    exported = {urllib.parse.unquote(d["id"][len(prefix):])
                for d in collection.get("documents", [])
                if isinstance(d, dict) and str(d.get("id")).startswith(prefix)}
    expected = sum(1 for a in native["annotations"] if a.get("document_id") in exported)
    document_of = {a["id"]: a["document_id"] for a in native["annotations"]}
    expected += sum(1 for r in native.get("relations") or []
                    if document_of.get(r["from"]) in exported)
    if len(items) != expected or not items:
        problems.append(f"{len(items)} annotations validated; the native export has {expected} "
                        "annotations and relations for the exported documents")

    assertion_count = sum(count(t) for t in tests.values())
    if problems:
        for problem in problems:
            print(f"check_w3c_schemas: MISMATCH: {problem}")
        print(f"check_w3c_schemas: FAILED: {len(problems)} failing assertions or problems, "
              f"{counts['run']} assertion runs")
        return 1
    print(f"check_w3c_schemas: OK: the collection and {len(items)} annotations pass all "
          f"{assertion_count} MUST assertions of web-annotation-tests "
          f"({counts['run']} assertion runs, {counts['skipped']} skipped)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
