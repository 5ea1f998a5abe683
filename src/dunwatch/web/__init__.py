"""The local web app: a private, offline front door to a case for borrowers and advocates.

Server-rendered pages (Jinja2, autoescaped) over the same Python API the CLI uses, a little
local JavaScript for drag-and-drop uploads, and JSON endpoints described by an OpenAPI document.
Nothing is fetched from or sent to anywhere but 127.0.0.1.
"""

from dunwatch.web.app import create_app

__all__ = ["create_app"]
