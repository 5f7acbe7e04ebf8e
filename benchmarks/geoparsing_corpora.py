"""Readers for public toponym-resolution corpora: GeoVirus, LGL / TR-News and GeoWebNews (GWN) XML.

Each reader returns a `Corpus`: the gold toponyms as (doc_id, toponym_text, gold_lat, gold_lon) tuples, in file
order, plus how many gold entries were skipped for lacking usable coordinates. `load_corpus` recognises the format
from the XML itself, so a renamed file still reads.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from incidents.errors import InputError

__all__ = [
    "GoldToponym",
    "Corpus",
    "read_geovirus",
    "read_lgl",
    "read_gwn",
    "detect_format",
    "load_corpus",
    "load_corpora",
]


class GoldToponym(NamedTuple):
    """One annotated place mention: the article it is in, its surface text and the gold point."""

    doc_id: str
    text: str
    lat: float
    lon: float


@dataclass
class Corpus:
    """The gold toponyms of one corpus file and the number of gold entries without coordinates."""

    name: str
    fmt: str
    toponyms: list[GoldToponym] = field(default_factory=list)
    skipped: int = 0


def _coordinate(lat: str | None, lon: str | None) -> tuple[float, float] | None:
    """(lat, lon) when both are numbers in range, else None."""
    try:
        y, x = float((lat or "").strip()), float((lon or "").strip())
    except ValueError:
        return None
    if not (math.isfinite(y) and math.isfinite(x) and -90 <= y <= 90 and -180 <= x <= 180):
        return None
    return y, x


def _text(element: ET.Element, tag: str) -> str:
    return " ".join((element.findtext(tag) or "").split())


def _collect(name: str, fmt: str, rows: Iterable[tuple[str, str, str | None, str | None]]) -> Corpus:
    """A Corpus from (doc_id, text, lat, lon) strings; rows without a name or coordinates count as skipped."""
    corpus = Corpus(name=name, fmt=fmt)
    for doc_id, text, lat, lon in rows:
        point = _coordinate(lat, lon)
        if point is None or not text:
            corpus.skipped += 1
            continue
        corpus.toponyms.append(GoldToponym(doc_id, text, *point))
    return corpus


def read_geovirus(root: ET.Element, name: str = "GeoVirus") -> Corpus:
    """GeoVirus: `<article><locations><location><name><lat><lon>`; articles have no id, so their position is one."""
    return _collect(
        name,
        "geovirus",
        (
            (str(i), _text(loc, "name"), loc.findtext("lat"), loc.findtext("lon"))
            for i, article in enumerate(root.iter("article"))
            for loc in article.iter("location")
        ),
    )


def read_lgl(root: ET.Element, name: str = "LGL") -> Corpus:
    """LGL and TR-News: `<article docid><toponyms><toponym><phrase><gaztag><lat><lon>`; no gaztag, no coordinates."""

    def rows() -> Iterable[tuple[str, str, str | None, str | None]]:
        for i, article in enumerate(root.iter("article")):
            doc_id = article.get("docid") or str(i)
            for toponym in article.iter("toponym"):
                gaz = toponym.find("gaztag")
                lat = gaz.findtext("lat") if gaz is not None else None
                lon = gaz.findtext("lon") if gaz is not None else None
                yield doc_id, _text(toponym, "phrase"), lat, lon

    return _collect(name, "lgl", rows())


def read_gwn(root: ET.Element, name: str = "GWN") -> Corpus:
    """GeoWebNews: `<article file><toponyms><toponym><extractedName><latitude><longitude>` (most spans lack them)."""
    return _collect(
        name,
        "gwn",
        (
            (
                article.get("file") or str(i),
                _text(toponym, "extractedName"),
                toponym.findtext("latitude"),
                toponym.findtext("longitude"),
            )
            for i, article in enumerate(root.iter("article"))
            for toponym in article.iter("toponym")
        ),
    )


READERS: dict[str, Callable[[ET.Element, str], Corpus]] = {
    "geovirus": read_geovirus,
    "lgl": read_lgl,
    "gwn": read_gwn,
}


def detect_format(root: ET.Element) -> str | None:
    """'geovirus', 'lgl' (also TR-News) or 'gwn' from the first annotation's shape; None when none is recognised."""
    for element in root.iter():
        if element.tag == "location" and element.find("name") is not None:
            return "geovirus"
        if element.tag == "toponym":
            if element.find("extractedName") is not None:
                return "gwn"
            if element.find("phrase") is not None:
                return "lgl"
    return None


def load_corpus(path: Path) -> Corpus:
    """One corpus file, its format detected; an unreadable or unrecognised file is an InputError naming it."""
    try:
        root = ET.parse(path).getroot()
    except OSError as exc:
        raise InputError(f"cannot read corpus: {exc.strerror or exc}", path=str(path)) from exc
    except ET.ParseError as exc:
        raise InputError(f"not well-formed XML: {exc}", path=str(path)) from exc
    fmt = detect_format(root)
    if fmt is None:
        raise InputError(
            "no GeoVirus <location>, LGL/TR-News <toponym><phrase> or GWN <toponym><extractedName> found",
            path=str(path),
        )
    return READERS[fmt](root, path.stem)


def load_corpora(paths: Iterable[str | Path]) -> list[Corpus]:
    """Every corpus named: a file, or each *.xml in a folder (sorted by name)."""
    corpora: list[Corpus] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files = sorted(p for p in path.iterdir() if p.suffix.lower() == ".xml" and p.is_file())
            if not files:
                raise InputError("folder holds no .xml corpus", path=str(path))
            corpora.extend(load_corpus(p) for p in files)
        elif path.exists():
            corpora.append(load_corpus(path))
        else:
            raise InputError("no such file or folder", path=str(path))
    seen: set[str] = {"total"}
    for corpus in corpora:  # names key the results: make them unique ("total" is the pooled row)
        name, n = corpus.name, 2
        while name in seen:
            name, n = f"{corpus.name}-{n}", n + 1
        corpus.name = name
        seen.add(name)
    return corpora
