"""Read the tables off a rendered dashboard page, the way a screen reader would: caption, then rows."""

from __future__ import annotations

from html.parser import HTMLParser

from django.urls import reverse


class _Tables(HTMLParser):
    """Every <table> on a page: its caption and the text of each row's cells."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables: list[dict] = []
        self._stack: list[str] = []
        self._cell: list[str] | None = None
        self._caption: list[str] | None = None
        self._row: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append({"caption": "", "rows": []})
        elif tag == "caption":
            self._caption = []
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "caption" and self._caption is not None:
            self.tables[-1]["caption"] = " ".join("".join(self._caption).split())
            self._caption = None
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[-1]["rows"].append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        elif self._caption is not None:
            self._caption.append(data)


def page_tables(html: str | bytes) -> list[dict]:
    parser = _Tables()
    parser.feed(html.decode() if isinstance(html, bytes) else html)
    return parser.tables


def page_table(html, caption_starts: str) -> list[list[str]]:
    """The rows (header row first) of the table whose caption starts with `caption_starts`."""
    for table in page_tables(html):
        if table["caption"].startswith(caption_starts):
            return table["rows"]
    raise AssertionError(
        f"no table captioned {caption_starts!r}; have {[t['caption'] for t in page_tables(html)]}"
    )


def dashboard_html(client, params=None) -> str:
    """The dashboard as a reader sees it: the summary page, then its details page, with the same filters."""
    pages = []
    for name in ("dashboards:index", "dashboards:details"):
        response = client.get(reverse(name), params or {})
        assert response.status_code == 200
        pages.append(response.content.decode())
    return "\n".join(pages)
