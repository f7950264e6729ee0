"""Server-rendered SVG charts for the dashboards: no script, no outside request.

Colour is never the only carrier of meaning: every bar has a text label or a fixed position (made worse
always left of the centre line or below the axis, helped right or above), each outcome has its own fill
pattern, and every chart is followed by a table and a text description carrying the same figures. The
SVGs are hidden from screen readers for that reason; their links are also in the tables.

Harms are never buried: in every chart "made worse" is drawn at the same scale and size as "helped".
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape
from django.utils.html import format_html as _format_html
from django.utils.safestring import SafeString, mark_safe

from analysis.models import Outcome
from dashboards.selectors.distributions import Distribution, Share

COLOURS = {
    Outcome.WORSENED: "#a63d00",  # white text/lines on it: 6.0:1
    Outcome.HELPED: "#1f5f99",  # 6.6:1
    Outcome.MIXED: "#5e3c99",
    Outcome.NONE: "#5f5f5f",
}
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
_STROKE = 'stroke="#1b1b1b" stroke-width="0.6"'
WIDTH = 360  # drawn at about 1:1 on a phone; CSS caps the width on larger screens


def format_html(template: str, *args) -> str:
    """format_html that also takes numbers: floats to one decimal, text escaped."""
    if not args:
        return mark_safe(template)  # noqa: S308 - a literal from this module, no data in it
    return _format_html(
        template.replace("{:.1f}", "{}"), *(f"{a:.1f}" if isinstance(a, float) else a for a in args)
    )


def _patterns(prefix: str) -> str:
    """One pattern per outcome: diagonal stripes (made worse), solid (helped), dots (mixed), lines (none)."""
    w, h, m, n = (COLOURS[o] for o in (Outcome.WORSENED, Outcome.HELPED, Outcome.MIXED, Outcome.NONE))
    return (
        "<defs>"
        f'<pattern id="{prefix}-worsened" width="8" height="8" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="8" height="8" fill="{w}"/>'
        '<rect width="2.5" height="8" fill="#fff" fill-opacity="0.55"/></pattern>'
        f'<pattern id="{prefix}-helped" width="8" height="8" patternUnits="userSpaceOnUse">'
        f'<rect width="8" height="8" fill="{h}"/></pattern>'
        f'<pattern id="{prefix}-mixed" width="7" height="7" patternUnits="userSpaceOnUse">'
        f'<rect width="7" height="7" fill="{m}"/>'
        '<circle cx="3.5" cy="3.5" r="1.4" fill="#fff" fill-opacity="0.7"/></pattern>'
        f'<pattern id="{prefix}-none" width="6" height="6" patternUnits="userSpaceOnUse">'
        f'<rect width="6" height="6" fill="{n}"/>'
        '<rect y="2" width="6" height="1.5" fill="#fff" fill-opacity="0.6"/></pattern>'
        "</defs>"
    )


def _svg(prefix: str, height: float, body: str, *, width: int = WIDTH) -> SafeString:
    return mark_safe(  # noqa: S308 - every text in body went through escape()/format_html
        f'<svg class="chart" viewBox="0 0 {width} {height:.0f}" width="100%" '
        'preserveAspectRatio="xMinYMin meet" '
        f'xmlns="http://www.w3.org/2000/svg" aria-hidden="true" focusable="false" '
        f'font-family="{FONT}" font-size="14">{_patterns(prefix)}{body}</svg>'
    )


def _link(href: str, inner: str, label: str) -> str:
    # Not in the tab order: the same link is in the table under the chart.
    return f'<a href="{escape(href)}" tabindex="-1"><title>{escape(label)}</title>{inner}</a>'


def _n(n: int, unit: str) -> str:
    singular = unit[:-1] if unit.endswith("s") else unit
    return f"{n:,} {singular if n == 1 else unit}"


def _percent(share: Share) -> str:
    return f"{share.percent:.1f}%" if share.percent is not None else ""


def outcome_bars(dist: Distribution, *, drill_url: str, prefix: str) -> SafeString:
    """One horizontal bar per outcome, made worse first, each labelled with its share and count."""
    bar_x, bar_max, row_h, top = 160, 110, 36, 30
    parts = [format_html('<text x="0" y="18" font-weight="600">n = {}</text>', _n(dist.n, dist.unit))]
    if dist.too_few:
        parts.append(
            format_html(
                '<text x="0" y="{}">Too few to say: percentages need at least {} {}.</text>',
                top + 20,
                dist.min_n,
                dist.unit,
            )
        )
        return _svg(prefix, top + 36, "".join(parts))
    for index, share in enumerate(dist.shares):
        y = top + index * row_h
        parts.append(format_html('<text x="0" y="{}">{}</text>', y + 19, share.label))
        width = max(bar_max * (share.proportion or 0), 2 if share.count else 0)
        bar = format_html(
            '<rect x="{}" y="{}" width="{:.1f}" height="24" fill="url(#{}-{})" ' + _STROKE + "/>",
            bar_x,
            y + 2,
            width,
            prefix,
            share.outcome,
        )
        value = format_html(
            '<text x="{:.1f}" y="{}">{} ({})</text>',
            bar_x + width + 6,
            y + 19,
            _percent(share),
            f"{share.count:,}",
        )
        label = f"{share.label}: {share.count} of {dist.n} {dist.unit} ({_percent(share)}). Show them."
        parts.append(_link(f"{drill_url}?{share.query}", bar + value, label))
    return _svg(prefix, top + 4 * row_h + 4, "".join(parts))


def _diverging_header(centre: float, subtitle: str) -> list[str]:
    """The heads of a chart with made worse left of the centre line and helped right of it."""
    return [
        format_html(
            '<text x="{}" y="16" text-anchor="end" font-weight="600">◀ Made worse</text>', centre - 8
        ),
        format_html('<text x="{}" y="16" font-weight="600">Helped ▶</text>', centre + 8),
        format_html('<text x="{}" y="34" text-anchor="middle" font-size="12">{}</text>', centre, subtitle),
    ]


def diverging_bars(dists: Sequence[Distribution], *, drill_url: str, prefix: str) -> SafeString:
    """Per group, made worse to the left of a centre line and helped to the right, on the same scale."""
    centre, bar_max, row_h, top = WIDTH / 2, 120, 50, 46
    parts = _diverging_header(
        centre, f"share of each row's {dists[0].unit if dists else 'posts'}; 0–100% each side"
    )
    for index, dist in enumerate(dists):
        y = top + index * row_h
        weight = "700" if dist.selected else "400"
        selected = " (selected)" if dist.selected else ""
        parts.append(
            format_html(
                '<text x="0" y="{}" font-weight="{}">{}{} · n = {}</text>',
                y + 14,
                weight,
                dist.label,
                selected,
                f"{dist.n:,}",
            )
        )
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#1b1b1b"/>', centre, centre, y + 18, y + 44
            )
        )
        if dist.too_few:
            parts.append(
                format_html(
                    '<text x="{}" y="{}" text-anchor="middle" font-style="italic">too few to say</text>',
                    centre,
                    y + 37,
                )
            )
            continue
        worse, helped = dist.worsened, dist.helped
        w = max(bar_max * (worse.proportion or 0), 2 if worse.count else 0)
        h = max(bar_max * (helped.proportion or 0), 2 if helped.count else 0)
        worse_svg = format_html(
            '<rect x="{:.1f}" y="{}" width="{:.1f}" height="22" fill="url(#{}-worsened)" ' + _STROKE + "/>"
            '<text x="{:.1f}" y="{}" text-anchor="end">{}</text>',
            centre - w,
            y + 20,
            w,
            prefix,
            centre - w - 5,
            y + 37,
            _percent(worse),
        )
        helped_svg = format_html(
            '<rect x="{}" y="{}" width="{:.1f}" height="22" fill="url(#{}-helped)" ' + _STROKE + "/>"
            '<text x="{:.1f}" y="{}">{}</text>',
            centre,
            y + 20,
            h,
            prefix,
            centre + h + 5,
            y + 37,
            _percent(helped),
        )
        parts.append(
            _link(
                f"{drill_url}?{worse.query}",
                worse_svg,
                f"{dist.label}: made worse {_percent(worse)}. Show them.",
            )
        )
        parts.append(
            _link(
                f"{drill_url}?{helped.query}",
                helped_svg,
                f"{dist.label}: helped {_percent(helped)}. Show them.",
            )
        )
    return _svg(prefix, top + max(len(dists), 1) * row_h, "".join(parts))


def _every_month(dists: Sequence[Distribution]) -> tuple[list[str], list[Distribution | None]]:
    """Months from the first to the last, with None where no post was counted, so time reads evenly."""
    by_key = {d.key: d for d in dists}
    if not dists:
        return [], []
    year, month = (int(part) for part in dists[0].key.split("-"))
    last = dists[-1].key
    keys = []
    while True:
        key = f"{year:04d}-{month:02d}"
        keys.append(key)
        if key >= last or len(keys) > 1200:
            break
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return keys, [by_key.get(key) for key in keys]


def monthly_bars(dists: Sequence[Distribution], *, drill_url: str, prefix: str) -> SafeString:
    """By month: helped above the axis, made worse below it, same scale; months with too few are marked."""
    left, half, top, width = 40, 70, 28, WIDTH
    keys, dists = _every_month(dists)
    step = min(16.0, (width - left - 6) / max(len(dists), 1))
    axis = top + half
    parts = [
        format_html('<text x="0" y="16" font-weight="600">▲ Helped (share of each month\'s posts)</text>'),
        format_html('<text x="0" y="{}" font-weight="600">▼ Made worse</text>', axis + half + 44),
        format_html(
            '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#1b1b1b"/>', left - 4, width - 2, axis, axis
        ),
        format_html('<text x="{}" y="{}" text-anchor="end" font-size="12">100%</text>', left - 6, top + 4),
        format_html('<text x="{}" y="{}" text-anchor="end" font-size="12">0</text>', left - 6, axis + 4),
        format_html(
            '<text x="{}" y="{}" text-anchor="end" font-size="12">100%</text>', left - 6, axis + half
        ),
    ]
    last_label = -1000.0
    for index, dist in enumerate(dists):
        x = left + index * step
        bar = max(step - 2, 1.5)
        if dist is None:
            pass
        elif dist.too_few:
            parts.append(
                format_html('<circle cx="{:.1f}" cy="{}" r="1.6" fill="#1b1b1b"/>', x + bar / 2, axis)
            )
        else:
            worse, helped = dist.worsened, dist.helped
            h = half * (helped.proportion or 0)
            w = half * (worse.proportion or 0)
            parts.append(
                _link(
                    f"{drill_url}?{helped.query}",
                    format_html(
                        '<rect x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}" fill="url(#{}-helped)"/>',
                        x,
                        axis - h,
                        bar,
                        h,
                        prefix,
                    ),
                    f"{dist.label}: helped {_percent(helped)} of {dist.n}. Show them.",
                )
            )
            parts.append(
                _link(
                    f"{drill_url}?{worse.query}",
                    format_html(
                        '<rect x="{:.1f}" y="{}" width="{:.1f}" height="{:.1f}" fill="url(#{}-worsened)"/>',
                        x,
                        axis,
                        bar,
                        w,
                        prefix,
                    ),
                    f"{dist.label}: made worse {_percent(worse)} of {dist.n}. Show them.",
                )
            )
        # A label at the first month and at each January, when there is room for it.
        key = keys[index]
        if (index == 0 or key.endswith("-01")) and x - last_label >= 64:
            text = key if index == 0 else key[:4]
            parts.append(
                format_html('<text x="{:.1f}" y="{}" font-size="12">{}</text>', x, axis + half + 18, text)
            )
            last_label = x
    return _svg(prefix, axis + half + 52, "".join(parts), width=width)


# --- text descriptions ---------------------------------------------------------------------------------


def _share_text(share: Share) -> str:
    low, high = share.interval_percent
    return f"{share.percent:.1f}% (95% interval {low:.1f}–{high:.1f}%)"


def describe_distribution(dist: Distribution, *, subject: str = "exercise") -> str:
    if dist.n == 0:
        return f"No {dist.unit} match these filters."
    if dist.too_few:
        return f"Only {_n(dist.n, dist.unit)}: too few to say (percentages need at least {dist.min_n})."
    w, h, m, n = dist.worsened, dist.helped, dist.mixed, dist.none
    return (
        f"Of {_n(dist.n, dist.unit)}, {_share_text(w)} report that {subject} made them worse and "
        f"{_share_text(h)} that it helped; {_share_text(m)} report both, "
        f"and {_share_text(n)} report no outcome."
    )


# A description lists this many rows; the table under it has them all.
DESCRIBE_MAX_ROWS = 12


def describe_breakdown(dists: Sequence[Distribution], *, by: str) -> str:
    if not dists:
        return f"No {by} figures for these filters."
    parts = []
    for dist in dists[:DESCRIBE_MAX_ROWS]:
        if dist.too_few:
            parts.append(f"{dist.label} (n = {dist.n:,}): too few to say")
        else:
            parts.append(
                f"{dist.label} (n = {dist.n:,}): "
                f"made worse {_percent(dist.worsened)}, helped {_percent(dist.helped)}"
            )
    more = len(dists) - DESCRIBE_MAX_ROWS
    rest = f"; and {more} more in the table" if more > 0 else ""
    return f"Made worse and helped, by {by}: " + "; ".join(parts) + rest + "."


def _estimate(share: Share) -> tuple[float, float, float] | None:
    """(share, low, high) as proportions: corrected for the tagger's errors where it can be, else the raw
    share with its Wilson interval (the words beside the bar: dashboard_tags.glance_words)."""
    if share.corrected is not None:
        low, high = share.corrected_interval_percent
        return share.corrected / 100, low / 100, high / 100
    if share.proportion is None:
        return None
    interval = share.interval
    return share.proportion, interval.low, interval.high


def glance_patterns(prefix: str) -> SafeString:
    """The fills the at-a-glance bars point at, defined once for all of them."""
    return mark_safe(  # noqa: S308 - a literal from this module
        '<svg class="chart-defs" width="0" height="0" aria-hidden="true" focusable="false">'
        f"{_patterns(prefix)}</svg>"
    )


def glance_bar(row, *, prefix: str) -> SafeString:
    """One intervention's bars: made worse left of the centre line, helped right, each 0-100% of its half,
    with its 95% interval as a whisker. No text: the figures beside it are HTML, so they wrap on a phone."""
    width, height, centre = 200, 24, 100
    parts = [
        format_html(
            '<line x1="{}" x2="{}" y1="0" y2="{}" stroke="#1b1b1b" vector-effect="non-scaling-stroke"/>',
            centre,
            centre,
            height,
        )
    ]
    for share, side in ((row.worsened, -1), (row.helped, 1)):
        estimate = _estimate(share)
        if estimate is None:
            continue
        value, low, high = estimate
        length = max(centre * value, 1.0)
        ends = sorted((centre + side * centre * low, centre + side * centre * high))
        parts.append(
            format_html(
                '<rect x="{:.1f}" y="2" width="{:.1f}" height="14" fill="url(#{}-{})" '
                'stroke="#1b1b1b" vector-effect="non-scaling-stroke"/>'
                '<line x1="{:.1f}" x2="{:.1f}" y1="20" y2="20" stroke="#1b1b1b" stroke-width="2" '
                'vector-effect="non-scaling-stroke"/>',
                centre - length if side < 0 else float(centre),
                length,
                prefix,
                share.outcome,
                ends[0],
                ends[1],
            )
        )
    return mark_safe(  # noqa: S308 - every value went through format_html
        f'<svg class="glance-bar" viewBox="0 0 {width} {height}" preserveAspectRatio="none" '
        f'xmlns="http://www.w3.org/2000/svg" aria-hidden="true" focusable="false">{"".join(parts)}</svg>'
    )
