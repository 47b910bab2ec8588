"""The shop's URLs plus /bench/bare/<size>/: a page of that many bytes, no template, no query."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.safestring import mark_safe

from microstore.urls import handler400, handler403, handler404, handler500  # noqa: F401
from microstore.urls import urlpatterns as shop

_CHUNK = "<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit.</p>\n"


def _body(size: int) -> str:
    return (_CHUNK * (size // len(_CHUNK) + 1))[:size]


def bare(request: HttpRequest, size: int) -> HttpResponse:
    return HttpResponse(_body(size))


def layout(request: HttpRequest, size: int) -> HttpResponse:
    """The shop's own layout (header, theme switch, footer) around static text: no DB, no cache."""
    return render(request, "bench/page.html", {"body": mark_safe(_body(size - 4200))})  # noqa: S308


urlpatterns = [
    path("bench/bare/<int:size>/", bare),
    path("bench/layout/<int:size>/", layout),
    *shop,
]
