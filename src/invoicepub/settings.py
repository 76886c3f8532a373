"""The few MkDocs settings the core needs (``site_url``, ``use_directory_urls``), read without MkDocs.

``mkdocs.yml`` may hold tags such as ``!!python/name:`` that safe YAML loading refuses;
they are read as nothing, since none of them is a setting we need.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

CONFIG_FILE = "mkdocs.yml"


class _TolerantLoader(yaml.SafeLoader):
    """Safe loading that turns any unknown tag into None instead of failing or running it."""


_TolerantLoader.add_multi_constructor("", lambda loader, suffix, node: None)
_TolerantLoader.add_multi_constructor("!", lambda loader, suffix, node: None)
_TolerantLoader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)


@dataclass(frozen=True)
class SiteSettings:
    site_url: str | None
    use_directory_urls: bool


def read_settings(root: Path) -> SiteSettings:
    """``site_url`` and ``use_directory_urls`` from ``root/mkdocs.yml``."""
    path = Path(root) / CONFIG_FILE
    with path.open(encoding="utf-8") as stream:
        data = yaml.load(stream, Loader=_TolerantLoader) or {}
    site_url = data.get("site_url") or None
    return SiteSettings(site_url=site_url, use_directory_urls=data.get("use_directory_urls", True) is not False)
