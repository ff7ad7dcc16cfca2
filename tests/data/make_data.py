"""Writes the feed and leaderboard inputs under tests/data/ (run from the repository root:
`python tests/data/make_data.py`). The news in them is invented; the forms are those of real
feeds: RSS 2.0, Atom and RSS 1.0 (RDF) in UTF-8, ISO-8859-1 and windows-1251, one without any
declared encoding, one in a right-to-left script (Urdu and Arabic), a large one, and two days
of a leaderboard export in BenchLM's schema 1.0 with models entering and moving between them.

The files are committed; the tests read them, never this script. Change both together.
"""

from __future__ import annotations

import json
from html import escape
from pathlib import Path

DATA = Path(__file__).resolve().parent
FEEDS = DATA / "feeds"
BENCHLM = DATA / "benchlm"


def rss(channel: str, items: list[str], *, declaration: str | None = "utf-8", extra_ns="") -> str:
    head = f'<?xml version="1.0" encoding="{declaration}"?>\n' if declaration else ""
    return (
        f'{head}<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"'
        f' xmlns:content="http://purl.org/rss/1.0/modules/content/"{extra_ns}>\n<channel>\n'
        f"{channel}\n" + "\n".join(items) + "\n</channel>\n</rss>\n"
    )


def item(title: str, link: str, date: str, description: str, raw: str = "", **more: str) -> str:
    """An RSS 2.0 item; `more` are further elements, `raw` any further XML as it is."""
    parts = [f"<title>{title}</title>", f"<link>{link}</link>", f"<pubDate>{date}</pubDate>"]
    parts.append(f"<description>{description}</description>")
    parts += [f"<{name}>{value}</{name}>" for name, value in more.items()]
    return "<item>" + "".join(parts) + raw + "</item>"


def rss2_utf8() -> str:
    body = (
        "<p>Lumora released <b>Nova 2 32B</b> under Apache 2.0.</p>"
        "<p>The weights are on Hugging Face; a 4-bit build runs in 20 GB.</p>"
    )
    items = [
        item(
            "Nova 2 32B lands on Hugging Face with a permissive licence",
            "https://news.example/2026/07/nova-2-32b",
            "Fri, 03 Jul 2026 08:15:00 +0000",
            escape("<p>Lumora released Nova 2 32B.</p>"),
            guid="https://news.example/2026/07/nova-2-32b",
            **{"dc:creator": "Ana Lima", "content:encoded": f"<![CDATA[{body}]]>"},
        ),
        item(
            "Straße, café, naïve: a tokenizer that keeps every accent ✓",
            "https://news.example/2026/07/tokenizer-accents",
            "Fri, 03 Jul 2026 07:00:00 +0000",
            "Unicode from ß to ✓ survives.",
        ),
        item(
            "AT&amp;T &amp; Verizon&#8217;s shared inference cloud",
            "https://news.example/2026/07/carriers-cloud",
            "Thu, 02 Jul 2026 22:40:00 +0000",
            "Two carriers, one cloud.",
        ),
        item(
            "🚀 Sparrow-Coder 3B ships a 128k context",
            "https://news.example/2026/07/sparrow-coder",
            "Thu, 02 Jul 2026 18:00:00 +0000",
            escape("<p>A small coder with <em>long</em> context.</p>"),
            category="Releases",
            comments="https://news.example/2026/07/sparrow-coder#comments",
        ),
        item(
            "Inference Weekly, episode 40",
            "https://news.example/podcast/40",
            "Thu, 02 Jul 2026 12:00:00 +0000",
            "This week: quantisation.",
            raw='<enclosure url="https://cdn.news.example/40.mp3" length="1" type="audio/mpeg"/>',
        ),
    ]
    channel = (
        "<title>Model News</title><link>https://news.example/</link>"
        "<description>Open models, daily</description><language>en</language>"
    )
    return rss(channel, items)


def rss2_latin1() -> str:
    items = [
        item(
            "Bundesamt prüft Sicherheitslücke in Router-Firmware",
            "https://nachrichten.example/2026/07/router-luecke",
            "Fri, 03 Jul 2026 09:30:00 +0200",
            "Die Lücke betrifft ältere Geräte; Größe des Schadens unklar.",
        ),
        item(
            "Größere Modelle, höhere Kosten: Rechenzentren wachsen um 40 °C-Abwärme",
            "https://nachrichten.example/2026/07/rechenzentren",
            "Fri, 03 Jul 2026 08:00:00 +0200",
            "Für 1.000&#8364; im Monat gibt es « mehr Rechenzeit ».",
        ),
        item(
            "Österreichs Forscher veröffentlichen offenes Sprachmodell",
            "https://nachrichten.example/2026/07/oesterreich-modell",
            "Thu, 02 Jul 2026 16:45:00 +0200",
            "Das Modell heißt &#8222;Alpenglühen&#8220; und ist frei verfügbar.",
        ),
    ]
    channel = (
        "<title>Nachrichten für Profis</title><link>https://nachrichten.example/</link>"
        "<description>IT-Nachrichten, täglich</description><language>de</language>"
    )
    return rss(channel, items, declaration="ISO-8859-1")


def rss2_cp1251() -> str:
    items = [
        item(
            "Цитата дня: открытые модели на ноутбуке",
            "https://novosti.example/quote/17703",
            "Fri, 03 Jul 2026 10:27:32 +0300",
            "Модель на 7 млрд параметров работает на ноутбуке.",
            guid="https://novosti.example/quote/17703",
        ),
        item(
            "Новая версия компилятора вышла в среду",
            "https://novosti.example/quote/17702",
            "Thu, 02 Jul 2026 19:05:00 +0300",
            "Компилятор стал быстрее на 15%.",
            guid="https://novosti.example/quote/17702",
        ),
        item(
            "Ещё один тест: «ёлка» и № 5",
            "https://novosti.example/quote/17701",
            "Thu, 02 Jul 2026 11:00:00 +0300",
            "Буква ё и знак № на своих местах.",
            guid="https://novosti.example/quote/17701",
        ),
    ]
    channel = (
        "<title>Новости технологий</title><link>https://novosti.example/</link>"
        "<description>Свежие новости</description><language>ru</language>"
    )
    return rss(channel, items, declaration="windows-1251")


def rss2_undeclared_latin1() -> str:
    """No XML declaration and (served) no charset: the bytes are ISO-8859-1."""
    items = [
        item(
            "Perturbateurs endocriniens : quels effets sur le cerveau ?",
            "https://psy.example/perturbateurs-endocriniens_39995",
            "Fri, 03 Jul 2026 06:00:00 +0200",
            "Une étude récente fait le point.",
        ),
        item(
            "L'été des modèles ouverts : à quoi s'attendre",
            "https://psy.example/ete-modeles-ouverts_39996",
            "Thu, 02 Jul 2026 14:00:00 +0200",
            "Ça bouge chez les développeurs.",
        ),
        item(
            "Écoles et élèves : les assistants arrivent en classe",
            "https://psy.example/ecoles-eleves_39997",
            "Thu, 02 Jul 2026 09:00:00 +0200",
            "Les enseignants s'interrogent.",
        ),
    ]
    channel = (
        "<title>Le Cercle des modèles</title><link>https://psy.example/</link>"
        "<description>Le magazine de toutes les psychologies</description>"
    )
    return rss(channel, items, declaration=None)


URDU_TITLES = [
    "پاکستان میں مصنوعی ذہانت کا نیا ماڈل متعارف",
    "لاہور میں بارش کے بعد موسم خوشگوار",
    "\u200fکرکٹ: قومی ٹیم کی شاندار فتح",  # opens with a right-to-left mark, as some feeds do
    "نموذج لغوي مفتوح جديد باللغة العربية",
]


def rss2_urdu() -> str:
    items = [
        item(
            f"<![CDATA[{title}]]>",
            f"https://urdu.example/news/{number}",
            f"Fri, 03 Jul 2026 0{number}:00:00 +0500",
            f"<![CDATA[<p>{title} — تفصیلات</p>]]>",
            guid=f"https://urdu.example/news/{number}",
        )
        for number, title in enumerate(URDU_TITLES, start=1)
    ]
    channel = (
        "<title><![CDATA[خبریں اردو]]></title><link>https://urdu.example/</link>"
        "<description><![CDATA[تازہ ترین خبریں]]></description><language>ur</language>"
    )
    return rss(channel, items)


def atom_utf8() -> str:
    """xml:base with relative links, and titles of each RFC 4287 type."""
    entries = [
        (
            '<title type="html">AT&amp;amp;T and Verizon sign a roaming deal</title>',
            '<link href="2026/roaming-deal"/>',
            "2026-07-03T06:00:00Z",
            '<summary type="html">&lt;p&gt;Two carriers agreed.&lt;/p&gt;</summary>',
        ),
        (
            '<title type="text">Benchmarks &lt;3 honest baselines</title>',
            '<link rel="alternate" href="/blog/2026/baselines"/>',
            "2026-07-03T05:00:00+02:00",
            "<summary>Plain text summary &amp; more.</summary>",
        ),
        (
            '<title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">'
            "Harbor <b>1.0</b> is out</div></title>",
            '<link href="https://elsewhere.example/harbor-1.0"/>',
            "2026-07-02T21:30:00-04:00",
            '<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">'
            "<p>Harbor 1.0 ships a scheduler.</p></div></content>",
        ),
    ]
    body = "".join(
        f"<entry>{title}<id>urn:atom-utf8:{n}</id>{link}<updated>{date}</updated>{text}"
        "<author><name>Ines Okafor</name></author></entry>"
        for n, (title, link, date, text) in enumerate(entries, start=1)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://atom.example/blog/">'
        '<title>Atom Notes</title><id>urn:atom-utf8</id><link href="https://atom.example/"/>'
        f"<updated>2026-07-03T06:00:00Z</updated>{body}</feed>\n"
    )


def rdf_utf8() -> str:
    items = [
        ("OLED-TVs: Vorsichtsmaßnahmen gegen Einbrennen", "2026-07-03T08:00:00+02:00"),
        ("Quantisierung auf 4 Bit: Was bleibt übrig?", "2026-07-02T17:20:00+02:00"),
        ("Offene Gewichte, offene Fragen", "2026-07-02T09:10:00+02:00"),
    ]
    body = "".join(
        f'<item rdf:about="https://rdf.example/meldung/{n}"><title>{title}</title>'
        f"<link>https://rdf.example/meldung/{n}?wt_mc=rss</link>"
        f"<description>Meldung {n}.</description><dc:date>{date}</dc:date>"
        "<dc:creator>Redaktion</dc:creator></item>"
        for n, (title, date) in enumerate(items, start=1)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
        ' xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        '<channel rdf:about="https://rdf.example/"><title>RDF-Meldungen</title>'
        "<link>https://rdf.example/</link><description>Nachrichten</description></channel>"
        f"{body}</rdf:RDF>\n"
    )


LARGE_ENTRIES = 300


def atom_large() -> str:
    """300 entries with full content (about 470 KB)."""
    paragraph = (
        "<p>Entry {n} measures the throughput of a quantised model on a laptop, with tables "
        "of tokens per second at batch sizes one to thirty-two and notes on memory use.</p>"
    )
    entries = []
    for n in range(LARGE_ENTRIES, 0, -1):
        hour, minute = divmod(n * 7, 60)
        day = 3 - hour // 24
        content = escape(paragraph.format(n=n) * 8)
        entries.append(
            f"<entry><title>Throughput notes, part {n}</title><id>urn:large:{n}</id>"
            f'<link href="https://large.example/notes/{n}"/>'
            f"<updated>2026-07-0{day}T{hour % 24:02d}:{minute:02d}:00Z</updated>"
            f'<content type="html">{content}</content></entry>'
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
        '<title>Large Notes</title><id>urn:large</id><link href="https://large.example/"/>'
        "<updated>2026-07-03T00:00:00Z</updated>" + "".join(entries) + "</feed>\n"
    )


FEED_FILES = {
    "rss2_utf8.xml": (rss2_utf8, "utf-8"),
    "rss2_iso-8859-1.xml": (rss2_latin1, "iso-8859-1"),
    "rss2_windows-1251.xml": (rss2_cp1251, "windows-1251"),
    "rss2_undeclared_iso-8859-1.xml": (rss2_undeclared_latin1, "iso-8859-1"),
    "rss2_urdu_utf8.xml": (rss2_urdu, "utf-8"),
    "atom_utf8.xml": (atom_utf8, "utf-8"),
    "rdf_utf8.xml": (rdf_utf8, "utf-8"),
    "atom_large_utf8.xml": (atom_large, "utf-8"),
}

# (model, creator, sourceType, day-1 score or None, day-2 score or None)
MODELS = [
    ("Corvid Ultra", "Skyline Labs", "Proprietary", 84.10, 84.30),
    ("Halcyon 4", "Brightwater", "Proprietary", 83.50, 83.60),
    ("Zephyr Pro", "Aerial AI", "Proprietary", 82.90, 78.20),  # falls from #3 to #9
    ("Marlin 3 405B", "Deepwater", "Open Weight", 81.75, 81.80),
    ("Osprey Max", "Skyline Labs", "Proprietary", 80.60, 80.70),
    ("Heron 2", "Brightwater", "Proprietary", 79.90, 80.00),
    ("Quill 8", "Inkwell", "Proprietary", 79.40, 79.50),
    ("Lumen 32B", "Lumora", "Open Weight", 78.30, 81.20),  # climbs from #8 to #5
    ("Talon Flash", "Aerial AI", "Proprietary", 77.80, 77.90),  # #9 to #11: not a move
    ("Finch 14B", "Songbird", "Open Weight", 77.10, 77.00),
    ("Plover 3", "Shoreline", "Proprietary", 76.50, 76.40),
    ("Wren 9B", "Songbird", "Open Weight", 75.90, 75.80),
    ("Gannet Pro", "Shoreline", "Proprietary", 75.20, 75.10),
    ("Kestrel 2 70B", "Falconry", "Open Weight", 74.00, 81.90),  # enters the top 10 at #3
    ("Ibis 7B", "Nile Compute", "Open Weight", 73.40, 73.30),
    ("Rook 4 Mini", "Chessworks", "Proprietary", 72.80, 72.70),
    ("Shrike 12B", "Thornbush", "Open Weight", 72.10, 72.00),
    ("Avocet 2", "Shoreline", "Proprietary", 71.60, 71.50),
    ("Tern 3B", "Seabird", "Open Weight", 70.90, 70.80),
    ("Puffin 1.5B", "Seabird", "Open Weight", 70.20, 70.10),
    ("Orca Mini 9B", "Pod Labs", "Open Weight", None, 78.00),  # new: enters at #10
]


def benchlm_day(day: int, generated_at: str) -> dict:
    scored = [
        (model, creator, kind, scores[day - 1])
        for model, creator, kind, *scores in MODELS
        if scores[day - 1] is not None
    ]
    scored.sort(key=lambda row: -row[3])
    items = []
    for rank, (model, creator, kind, score) in enumerate(scored, start=1):
        slug = model.lower().replace(" ", "-").replace(".", "-")
        items.append(
            {
                "rank": rank,
                "slug": slug,
                "canonicalModelKey": slug,
                "model": model,
                "creator": creator,
                "sourceType": kind,
                "reasoningType": "Reasoning" if rank % 2 else "Non-Reasoning",
                "contextWindow": "128K",
                "contextWindowTokens": 128000,
                "displayScore": score,
                "provisionalDisplayScore": round(score),
                "publicRankingMode": "bench-align-v5",
                "evidenceStatus": "supported",
                "scoreInterval90": {"lower": round(score - 3.1, 2), "upper": round(score + 2.7, 2)},
                "rankingEligible": True,
                "overallRank": rank,
                "url": f"https://benchlm.example/models/{slug}",
                "markdownUrl": f"https://benchlm.example/md/models/{slug}.md",
                "score": score,
                "rankingMode": "bench-align-v5",
                "category": None,
                "categoryLabel": None,
                "trustedBenchmarkCount": 10 + rank % 5,
                "scoreConfidence": 2,
            }
        )
    coding = [
        row | {"rank": n, "category": "coding", "categoryLabel": "Coding"}
        for n, row in enumerate(items[:5], start=1)
    ]
    return {
        "schemaVersion": "1.0",
        "name": "BenchLM leaderboards (test export)",
        "description": "Invented models in the shape of BenchLM's export.",
        "canonicalUrl": "https://benchlm.example/data/leaderboard.json",
        "generatedAt": generated_at,
        "sourceLastUpdated": generated_at[:10],
        "sourceFiles": ["models.json"],
        "counts": {"items": len(items), "categories": 1},
        "rankingMode": "bench-align-v5",
        "items": items,
        "categories": {"coding": coding},
    }


def main() -> None:
    for name, (make, encoding) in FEED_FILES.items():
        (FEEDS / name).write_bytes(make().encode(encoding))
    for day, stamp in ((1, "2026-08-15T06:26:40.869Z"), (2, "2026-08-16T06:25:12.104Z")):
        document = benchlm_day(day, stamp)
        path = BENCHLM / f"leaderboard-2026-08-1{4 + day}.json"
        path.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
