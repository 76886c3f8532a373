"""The few MkDocs settings the core needs (``site_url``, ``use_directory_urls``), read without MkDocs.

``mkdocs.yml`` is read as MkDocs reads it for these keys: ``!ENV VAR`` and
``!ENV [VAR, OTHER, default]`` take their value from the environment (the same
``pyyaml-env-tag`` constructor MkDocs uses). Other tags, such as ``!!python/name:``,
which safe loading refuses, are read as nothing: none of them is a setting we need.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import yaml
from yaml_env_tag import construct_env_tag

CONFIG_FILE = "mkdocs.yml"
# The sample's address: links printed while it is still set lead nowhere useful.
SAMPLE_SITE_URL = "https://example.github.io/invoices/"


class _TolerantLoader(yaml.SafeLoader):
    """Safe loading with MkDocs' ``!ENV``; any other unknown tag becomes None instead of failing or running."""


_TolerantLoader.add_constructor("!ENV", construct_env_tag)
_TolerantLoader.add_multi_constructor("", lambda loader, suffix, node: None)
_TolerantLoader.add_multi_constructor("!", lambda loader, suffix, node: None)
_TolerantLoader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)


@dataclass(frozen=True)
class SiteSettings:
    site_url: str | None
    use_directory_urls: bool

    @property
    def is_sample_url(self) -> bool:
        return (self.site_url or "").rstrip("/") == SAMPLE_SITE_URL.rstrip("/")


def read_settings(root: Path) -> SiteSettings:
    """``site_url`` and ``use_directory_urls`` from ``root/mkdocs.yml``; ValueError when it cannot be read."""
    path = Path(root) / CONFIG_FILE
    try:
        with path.open(encoding="utf-8") as stream:
            data = yaml.load(stream, Loader=_TolerantLoader) or {}
    except yaml.YAMLError as error:
        raise ValueError(f"{CONFIG_FILE}: {error}") from None
    if not isinstance(data, dict):
        raise ValueError(f"{CONFIG_FILE}: expected a mapping of settings")
    site_url = data.get("site_url") or None
    if site_url is not None:
        site_url = str(site_url).strip() or None
    return SiteSettings(site_url=site_url, use_directory_urls=data.get("use_directory_urls", True) is not False)


def is_absolute_url(url: str | None) -> bool:
    """An address a client can open from an e-mail: ``https://host/…`` or ``http://host/…``."""
    if not url:
        return False
    parts = urlsplit(url)
    return parts.scheme in ("https", "http") and bool(parts.netloc)
