"""The console's HTML: a small shell per page; the page's script fills it from JSON and keeps it fresh."""

from __future__ import annotations

from html import escape

from aiohttp import web

ADMIN_NAV = (("/admin", "Overview"), ("/admin/orders", "Orders"), ("/admin/stuck", "Stuck"),
             ("/admin/deadletters", "Dead letters"), ("/admin/safemode", "Safe mode"),
             ("/admin/retailers", "Retailers"), ("/admin/vendors", "Vendors"), ("/admin/exports", "Exports"))
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; "
                               "script-src 'self'; connect-src 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def html_page(title: str, body: str, *, scripts: tuple[str, ...] = (), csrf: str = "",
              status: int = 200) -> web.Response:
    tags = "".join(f'<script src="/static/{escape(s)}" defer></script>' for s in scripts)
    text = (f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<meta name="csrf" content="{escape(csrf)}"><title>{escape(title)} · Khaacho</title>'
            f'<link rel="icon" href="data:,"><link rel="stylesheet" href="/static/console.css">{tags}</head>'
            f'<body>{body}</body></html>')
    return web.Response(text=text, content_type="text/html", status=status, headers=SECURITY_HEADERS)


def admin_page(title: str, page: str, admin_name: str, csrf: str, content: str = "") -> web.Response:
    """An /admin page: the menu, the user and logout, and a <main> the script `admin.js` fills."""
    nav = "".join(f'<a href="{href}"{" class=here" if label == title else ""}>{label}</a>'
                  for href, label in ADMIN_NAV)
    body = (f'<header class="bar"><strong>Khaacho ops</strong><nav>{nav}</nav>'
            f'<form method="post" action="/admin/logout" class="logout"><input type="hidden" name="csrf"'
            f' value="{escape(csrf)}"><span>{escape(admin_name)}</span><button>Log out</button></form></header>'
            f'<main id="page" data-page="{escape(page)}"><h1>{escape(title)}</h1>{content}'
            f'<div id="content" aria-live="polite">Loading…</div></main>')
    return html_page(title, body, scripts=("vendor/chartjs/chart.umd.min.js", "admin.js"), csrf=csrf)
