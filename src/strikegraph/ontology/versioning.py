"""Semantic versions of the ontology, checked against frozen term signatures.

Each released version has a snapshot ``ontology/releases/{version}.terms.json``: for every
sg term its kind, types, domain, range, super-classes or super-properties, inverses,
characteristics, disjointness, enumeration, and a hash of its definition. What a term *means*
is in the signature; labels, comments and examples are not (changing them is a patch).

The rules (:func:`check_versions`):

* a released version is frozen: if ``owl:versionInfo`` names a version that has a snapshot,
  the ontology's signatures must equal it;
* against the latest older snapshot, a removed term or a changed signature needs a major
  bump, a new term at least a minor bump;
* "major" follows SemVer, and while the major version is 0 the minor version plays its part
  (0.1.x -> 0.2.0 may break; 0.1.0 -> 0.1.1 may not), as Cargo and npm read 0.y.z versions.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import Graph, URIRef
from rdflib.namespace import OWL

from strikegraph import atomicio
from strikegraph.errors import DataError
from strikegraph.ontology.files import changelog_file, releases_dir
from strikegraph.ontology.terms import read_ontology

__all__ = [
    "Changes",
    "VersionReport",
    "breaking_allowed",
    "changelog_versions",
    "check_versions",
    "compare",
    "load_snapshot",
    "parse_version",
    "signatures",
    "snapshot",
    "snapshots",
    "write_snapshot",
]

SNAPSHOT_SUFFIX = ".terms.json"
_SEMVER = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")
_CHANGELOG_ENTRY = re.compile(r"^## \[(\d+\.\d+\.\d+)\]", re.M)

Version = tuple[int, int, int]


def parse_version(text: str) -> Version:
    """``"1.2.3"`` -> ``(1, 2, 3)``; anything else is a :class:`DataError`."""
    match = _SEMVER.match(text.strip())
    if not match:
        raise DataError(f"owl:versionInfo {text!r} is not a semantic version MAJOR.MINOR.PATCH")
    return int(match[1]), int(match[2]), int(match[3])


def breaking_allowed(old: Version, new: Version) -> bool:
    """True if going from ``old`` to ``new`` is a major bump (0.y: a minor bump counts)."""
    if new[0] != old[0]:
        return new[0] > old[0]
    return old[0] == 0 and new[1] > old[1]


def additions_allowed(old: Version, new: Version) -> bool:
    """True if ``new`` is at least a minor bump over ``old``."""
    return (new[0], new[1]) > (old[0], old[1])


def _definition_hash(text: str) -> str:
    normalised = " ".join(text.split())
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def signatures(graph: Graph) -> dict[str, dict[str, Any]]:
    """Every sg term's signature: what it means, as sorted lists of IRIs and a definition hash."""
    ontology = read_ontology(graph)
    result: dict[str, dict[str, Any]] = {}
    for iri, term in sorted(ontology.terms.items(), key=lambda item: str(item[0])):
        result[str(iri)] = {
            "kind": term.kind,
            "types": sorted(str(t) for t in term.types),
            "domain": [e.canonical() for e in term.domain],
            "range": [e.canonical() for e in term.range],
            "super": sorted(str(s) for s in term.supers if isinstance(s, URIRef)),
            "inverse": sorted({str(i) for i in term.inverse}),
            "characteristics": sorted(term.characteristics),
            "disjointWith": sorted({str(d) for d in term.disjoint_with}),
            "oneOf": sorted(str(m) for m in term.one_of),
            "definition_sha256": _definition_hash(term.definition),
        }
    return result


def snapshot(graph: Graph) -> dict[str, Any]:
    """The JSON document frozen for a release."""
    ontology = read_ontology(graph)
    version_iri = next(iter(ontology.header(OWL.versionIRI)), None)
    return {
        "ontology": str(ontology.iri),
        "version": ontology.version,
        "versionIRI": str(version_iri) if version_iri is not None else None,
        "comment": "Term signatures of this release; written by `strikegraph ontology snapshot`, "
        "never edited by hand.",
        "terms": signatures(graph),
    }


def write_snapshot(graph: Graph, folder: Path, *, force: bool = False) -> Path:
    """Write ``{folder}/{version}.terms.json``; an existing, different snapshot needs ``force``."""
    document = snapshot(graph)
    parse_version(document["version"])
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{document['version']}{SNAPSHOT_SUFFIX}"
    text = json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    if path.is_file() and not force:
        existing = json.loads(path.read_text(encoding="utf-8"))
        if existing.get("terms") != document["terms"]:
            raise DataError(
                f"{path}: version {document['version']} is already released with other term "
                "signatures; bump owl:versionInfo (or pass --force to rewrite the release)"
            )
    atomicio.write_text(path, text)
    return path


def load_snapshot(path: Path) -> dict[str, Any]:
    try:
        document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DataError(f"{path}: cannot read the release snapshot: {exc}") from exc
    if "version" not in document or "terms" not in document:
        raise DataError(f"{path}: a release snapshot needs 'version' and 'terms'")
    parse_version(document["version"])
    return document


def snapshots(folder: Path) -> list[dict[str, Any]]:
    """Every snapshot in the folder, oldest version first."""
    found = [load_snapshot(p) for p in sorted(folder.glob(f"*{SNAPSHOT_SUFFIX}"))]
    return sorted(found, key=lambda d: parse_version(d["version"]))


@dataclass
class Changes:
    """What changed between two sets of signatures."""

    removed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    changed: dict[str, list[str]] = field(default_factory=dict)

    @property
    def breaking(self) -> bool:
        return bool(self.removed or self.changed)

    def __bool__(self) -> bool:
        return bool(self.removed or self.added or self.changed)

    def describe(self) -> list[str]:
        lines = [f"removed {iri}" for iri in self.removed]
        lines += [f"changed {iri}: {', '.join(fields)}" for iri, fields in self.changed.items()]
        lines += [f"added {iri}" for iri in self.added]
        return lines


def compare(old: dict[str, dict[str, Any]], new: dict[str, dict[str, Any]]) -> Changes:
    """Compare two signature maps (``snapshot()["terms"]``)."""
    changes = Changes()
    changes.removed = sorted(set(old) - set(new))
    changes.added = sorted(set(new) - set(old))
    for iri in sorted(set(old) & set(new)):
        fields = sorted(
            k for k in set(old[iri]) | set(new[iri]) if old[iri].get(k) != new[iri].get(k)
        )
        if fields:
            changes.changed[iri] = fields
    return changes


@dataclass
class VersionReport:
    """The outcome of :func:`check_versions`."""

    version: str
    compared_with: str | None
    changes: Changes
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def check_versions(graph: Graph, folder: Path) -> VersionReport:
    """Check the ontology's version against the frozen snapshots (see the module's rules)."""
    ontology = read_ontology(graph)
    version_text = ontology.version
    current = parse_version(version_text)
    terms = signatures(graph)
    problems: list[str] = []
    released = snapshots(folder)
    newer = [d["version"] for d in released if parse_version(d["version"]) > current]
    if newer:
        problems.append(
            f"owl:versionInfo {version_text} is older than the released version(s) "
            f"{', '.join(newer)}"
        )
    same = [d for d in released if parse_version(d["version"]) == current]
    if same:
        frozen = compare(same[0]["terms"], terms)
        if frozen:
            problems.append(
                f"version {version_text} is released (releases/{version_text}{SNAPSHOT_SUFFIX}) "
                f"but its terms changed ({'; '.join(frozen.describe())}): bump owl:versionInfo"
            )
    older = [d for d in released if parse_version(d["version"]) < current]
    changes = Changes()
    compared_with = None
    if older:
        base = older[-1]
        compared_with = base["version"]
        old_version = parse_version(base["version"])
        changes = compare(base["terms"], terms)
        if changes.breaking and not breaking_allowed(old_version, current):
            problems.append(
                f"terms were removed or changed in meaning since {base['version']} "
                f"({'; '.join(changes.describe())}), which needs a major version "
                f"(0.y: a minor one), not {version_text}"
            )
        elif changes.added and not additions_allowed(old_version, current):
            problems.append(
                f"terms were added since {base['version']} ({', '.join(changes.added)}), "
                f"which needs at least a minor version, not {version_text}"
            )
    return VersionReport(version_text, compared_with, changes, problems)


def changelog_versions(path: Path | None = None) -> list[str]:
    """The versions the CHANGELOG lists (``## [x.y.z] ...`` headings), newest first."""
    path = path if path is not None else changelog_file()
    if not path.is_file():
        raise DataError(f"{path}: the ontology changelog is missing")
    return _CHANGELOG_ENTRY.findall(path.read_text(encoding="utf-8"))


def default_releases_dir(data_root: str | os.PathLike[str] | None = None) -> Path:
    return releases_dir(data_root)
