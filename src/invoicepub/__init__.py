"""Invoice publisher core: YAML invoices in, figures, links, QR payloads and page views out.

Nothing in this package imports MkDocs; the site's hook and the ``invoices`` command
both build on it.
"""

__version__ = "0.1.0"
