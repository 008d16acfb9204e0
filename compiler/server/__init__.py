"""The county's collection server (``nianbao server``): offices submit in the browser, the 政务公开办
watches, reviews, returns, accepts and sums.

A package of its own above the workflows (``pipeline``, ``outputs``, ``summary``, ``nextyear``), laid
out by domain as the style guide proposes: ``accounts`` (users, passwords, login), ``offices`` (the
roster, progress, reminders), ``submissions`` (stored files, findings, review), ``audit`` (who did what
and when); each has its ``models``, ``forms``, ``services`` and ``views``.  ``app.create_app(settings)``
is the composition root; ``authnz`` names the permissions; ``errors`` turns every refusal into JSON
under /api/ and a page elsewhere.

Its dependencies are the optional extra ``nianbao[server]``; nothing in this ``__init__`` imports them,
so ``compiler.server.cli`` can register the subcommands without loading Flask-Login or SQLAlchemy.
Nothing below the server imports it (``tests/test_layers.py``)."""

from __future__ import annotations


def create_app(settings, **overrides):
    """The server's Flask app for ``settings`` (a ``config.Settings``); see ``app.create_app``."""
    from .app import create_app as _create_app  # the extra's imports, only when a server is made

    return _create_app(settings, **overrides)
