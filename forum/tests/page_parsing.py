"""Small HTML helpers for tests: read a rendered page the way a browser would, with the standard library."""

from __future__ import annotations

from html.parser import HTMLParser


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.text_parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text_parts.append(data)


def parse(html: str | bytes) -> _Collector:
    if isinstance(html, bytes):
        html = html.decode()
    collector = _Collector()
    collector.feed(html)
    return collector


def elements(html, tag: str) -> list[dict[str, str | None]]:
    return [attrs for name, attrs in parse(html).elements if name == tag]


def element_by_id(html, element_id: str) -> tuple[str, dict[str, str | None]] | None:
    for name, attrs in parse(html).elements:
        if attrs.get("id") == element_id:
            return name, attrs
    return None


def textarea_value(html, name: str) -> str:
    """The text inside <textarea name=...>, as the browser would show it."""

    class _Textarea(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.inside = False
            self.value: list[str] = []

        def handle_starttag(self, tag, attrs):
            if tag == "textarea" and dict(attrs).get("name") == name:
                self.inside = True

        def handle_endtag(self, tag):
            if tag == "textarea":
                self.inside = False

        def handle_data(self, data):
            if self.inside:
                self.value.append(data)

    if isinstance(html, bytes):
        html = html.decode()
    parser = _Textarea()
    parser.feed(html)
    value = "".join(parser.value)
    # The HTML spec drops one newline right after <textarea>.
    return value[1:] if value.startswith("\n") else value


def input_value(html, name: str) -> str | None:
    for attrs in elements(html, "input"):
        if attrs.get("name") == name:
            return attrs.get("value")
    return None


def visible_text(html) -> str:
    return " ".join(" ".join(parse(html).text_parts).split())
