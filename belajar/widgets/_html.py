"""Small HTML builders for feedback panes. Every piece of text is escaped here."""

import html

_COLORS = {
    "ok": ("#1b7f3b", "#eef8f1"),
    "partial": ("#9a6700", "#fff8e5"),
    "wrong": ("#b42318", "#fdf0ef"),
    "info": ("#1f5fa8", "#eef4fb"),
}


def esc(text) -> str:
    return html.escape(str(text)).replace("\n", "<br>")


def box(kind: str, heading: str, *parts: str) -> str:
    """A coloured panel: an escaped heading, then already-built HTML parts."""
    border, background = _COLORS[kind]
    body = "".join(f"<div style='margin-top:6px'>{p}</div>" for p in parts if p)
    return (
        f"<div role='status' style='border-left:5px solid {border};background:{background};"
        f"padding:8px 12px;margin-top:6px;color:#1a1a1a'>"
        f"<b style='color:{border}'>{esc(heading)}</b>{body}</div>"
    )


def notice(text: str) -> str:
    return box("info", text)


def bullet_list(items_html) -> str:
    items = "".join(f"<li style='margin-bottom:4px'>{i}</li>" for i in items_html)
    return f"<ul style='margin:4px 0 0 0;padding-left:20px'>{items}</ul>"


def kind_for(score: float) -> str:
    if score >= 1.0:
        return "ok"
    return "partial" if score > 0 else "wrong"


def percent(score: float) -> str:
    return f"{round(score * 100)}%"


def title(text: str) -> str:
    return f"<h4 style='margin:4px 0'>{esc(text)}</h4>"


def paragraph(text: str) -> str:
    return f"<p style='margin:4px 0'>{esc(text)}</p>"
