"""The read-only web front end: search page, document pages, Atom feed and JSON API.

from gongkai.web import create_app, serve
app = create_app("index")          # a Flask app (test it with app.test_client())
serve("index", "127.0.0.1", 8000)  # the same app behind waitress
"""

from gongkai.web.app import create_app, serve

__all__ = ["create_app", "serve"]
