"""Split an article into its headline, the publisher's own sentences and the embedded social posts, with offsets.

An embedded post is text (often ending in a pic.twitter.com or t.co link) followed by an author line such as
`— Display Name (@handle) January 6, 2026`; variants: `--` or `-` for the dash, no display name, the author line on
the same line as the text, no space before the link. Every segment keeps its character offsets in the original text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from ..loader import date_in_range

__all__ = ["Segment", "Post", "split_article", "MEDIA_LINK"]

MAX_LINK = 4000  # Report.media's limit per link
MEDIA_LINK = re.compile(r"(?:https?://)?(?:pic\.twitter\.com|t\.co|pic\.x\.com)/[A-Za-z0-9]+|https?://[^\s<>\"')]+")
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_MONTH_ABBR = "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
_DATE = rf"(?P<date>(?:{_MONTHS}|{_MONTH_ABBR})\.? \d{{1,2}}, \d{{4}})"
_AUTHOR = re.compile(
    # the display name never holds a link or another " - ", so the author dash is the last one before "(@handle)"
    rf"(?:\s*[—–]|(?:^|\s)(?:--|-))\s*(?:(?P<name>(?:(?!\s-{{1,2}}\s|https?:)[^\n()@—–/]){{1,80}}?)\s*)?"
    rf"\(?@(?P<handle>[A-Za-z0-9_]{{1,30}})\)?\s+{_DATE}\s*$"
)
# "BREAKING", "NOW –", "Breaking:" open a post; a publisher's "Now the situation is calmer" does not
_PREFIX = re.compile(
    r"^\W{0,3}\s*(?:(?:BREAKING|NOW|JUST IN|UPDATE|URGENT|DEVELOPING|ALERT)\b\s*[:\-–—]?"
    r"|(?:Breaking|Now|Just in|Update|Urgent|Developing|Alert)\s*[:\-–—])\s*"
)
_TERMINAL = re.compile(r"[.!?\"”’)]\s*$")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]*\s+(?=[A-Z\"“‘(¿¡0-9])")


@dataclass(frozen=True)
class Segment:
    """A piece of the article with its offsets: text == article[start:end]."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Post(Segment):
    """An embedded post: its text, author and date."""

    handle: str | None = None
    name: str | None = None
    posted: date | None = None
    media: tuple[str, ...] = field(default=())


def _parse_date(text: str) -> date | None:
    cleaned = text.replace(".", "").replace("Sept ", "Sep ")
    for fmt in ("%B %d, %Y", "%b %d, %Y"):
        try:
            found = datetime.strptime(cleaned, fmt).date()
        except ValueError:
            continue
        return found if date_in_range(found) else None  # "Jan 1, 0001" is no dateline
    return None


def _lines(text: str) -> list[Segment]:
    out, pos = [], 0
    for raw in text.splitlines(keepends=True):
        body = raw.rstrip("\r\n")
        lead = len(body) - len(body.lstrip())
        stripped = body.strip()
        if stripped:
            out.append(Segment(pos + lead, pos + lead + len(stripped), stripped))
        pos += len(raw)
    return out


def media_links(text: str) -> tuple[str, ...]:
    """Media and post links in a text, as https URLs, in order, without duplicates."""
    found = []
    for match in MEDIA_LINK.finditer(text):
        url = match.group(0).rstrip(".,;:")
        if not url.startswith("http"):
            url = "https://" + url
        if url not in found and len(url) <= MAX_LINK:
            found.append(url)
    return tuple(found)


def _only_links(text: str) -> bool:
    return bool(text.strip()) and not MEDIA_LINK.sub("", text).strip(" .,;:")


def _starts_post(line: Segment) -> bool:
    return bool(_PREFIX.match(line.text)) or line.text[:1] in "🚨⚠❗🔴"


def split_article(text: str) -> tuple[Segment | None, list[Segment], list[Post]]:
    """(headline, publisher sentences, posts) of an article."""
    lines = _lines(text)
    if not lines:
        return None, [], []
    headline, body = lines[0], lines[1:]
    posts: list[Post] = []
    used: set[int] = set()
    for i, line in enumerate(body):
        author = _AUTHOR.search(line.text)
        if not author:
            continue
        inline_text = line.text[: author.start()].strip()
        first = i
        if not inline_text:
            # walk back over the post's own lines: the link line, and lines that run on or open with BREAKING/NOW
            first = i - 1
            while first - 1 >= 0 and first - 1 not in used and i - first < 4:
                above = body[first - 1]
                if _AUTHOR.search(above.text):
                    break
                # a line that is only the post's link always belongs with the text above it, however that ends
                link_only = first == i - 1 and _only_links(body[first].text)
                if _TERMINAL.search(above.text) and not _starts_post(above) and not link_only:
                    break
                first -= 1
            if first < 0 or first in used:
                continue
        start = body[first].start
        end = line.start + len(line.text[: author.start()].rstrip()) if inline_text else body[i - 1].end
        post_text = text[start:end]
        used.update(range(first, i + 1))
        posts.append(Post(
            start=start, end=end, text=post_text, handle=author.group("handle"),
            name=(author.group("name") or "").strip() or None, posted=_parse_date(author.group("date")),
            media=media_links(post_text),
        ))
    # lines with a media link but no author line are unattributed posts
    for i, line in enumerate(body):
        if i not in used and re.search(r"(?:pic\.twitter\.com|t\.co|pic\.x\.com)/", line.text):
            used.add(i)
            posts.append(Post(start=line.start, end=line.end, text=line.text, media=media_links(line.text)))
    statements = []
    for i, line in enumerate(body):
        if i in used:
            continue
        statements.extend(_sentences(line, text))
    posts.sort(key=lambda p: p.start)
    return headline, statements, posts


# A full stop that ends an abbreviation or an initial, not a sentence: "the U.S. Embassy", "Gen. Tiani", "J. Smith"
_ABBREVIATION = re.compile(
    r"(?:\b(?:[A-Z]\.){2,}|\b[A-Z]\.|\b(?:Mr|Mrs|Ms|Dr|St|Gen|Lt|Col|Maj|Capt|Sgt|Cpl|Adm|Gov|Sen|Rep|Pres|Prof|"
    r"Jr|Sr|No|Mt|Ave|Blvd|Rd|vs|etc|approx|Sra|Sr|Av|Pl|Col))\.$"
)


def _sentences(line: Segment, text: str) -> list[Segment]:
    out, cursor = [], line.start
    for match in _SENTENCE_END.finditer(line.text):
        if _ABBREVIATION.search(line.text, 0, match.start()):
            continue  # "near the U.S. Embassy in Niamey" is one sentence
        end = line.start + match.start()
        out.append(Segment(cursor, end, text[cursor:end]))
        cursor = line.start + match.end()
    if cursor < line.end:
        out.append(Segment(cursor, line.end, text[cursor:line.end]))
    return [s for s in out if s.text.strip()]


def strip_prefix(text: str) -> str:
    """The post text without its 'BREAKING:' / 'NOW –' / siren prefix."""
    return _PREFIX.sub("", text.lstrip("🚨⚠❗🔴 ")).strip()
