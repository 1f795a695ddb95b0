"""Platform loaders: the lists of government CMS platforms, read the way their own scripts read them.

Most county and city sites publish their column lists through a platform whose HTML holds few or no
article links (FORMATS.md, "How real platforms publish their lists"). A loader per family reads the
list where it really is:

| name      | family                                  | module     |
|-----------|-----------------------------------------|------------|
| hanweb    | Hanweb / 大汉 JCMS (datastore, dataproxy.jsp GET and POST) | hanweb.py |
| fujian    | Fujian 集约化 (listModel + POST /fjdzapp/search)          | fujian.py |
| gkmlpt    | Guangdong 政府信息公开目录 (/gkmlpt/api/all/{column})      | gkmlpt.py |
| govcn     | gov.cn 政策文件库 (JSON search, p=N&n=…)                   | govcn.py  |
| trs       | TRS WCM static paging (createPageHTML, countPage)         | trs.py    |
| jsonapi   | any JSON list endpoint named in an inline script          | jsonapi.py |

`read_list(page, platform)` asks the loader that made an API request to read its answer; other pages
go to the first loader whose `detect` recognises them — only the site's ``platform`` (sites.toml)
when it names one. More specific loaders come first; `register` adds a loader of your
own (before the built-in ones); loaders also come from the Python files (or folders of them) named by
``$GONGKAI_PLATFORMS`` and from installed packages, through the ``gongkai.platforms`` entry-point
group (``name = "package.module:LoaderClass"``). README.md, "Writing a platform loader", shows one.
"""

from __future__ import annotations

import importlib.util
import os
from importlib.metadata import entry_points
from pathlib import Path
from urllib.parse import urlsplit

from gongkai.crawler.platforms.base import Item, Listing, ListPage, Loader
from gongkai.crawler.platforms.fujian import FujianLoader
from gongkai.crawler.platforms.gkmlpt import GkmlptLoader
from gongkai.crawler.platforms.govcn import GovcnLoader
from gongkai.crawler.platforms.hanweb import HanwebLoader
from gongkai.crawler.platforms.jsonapi import JsonListLoader
from gongkai.crawler.platforms.trs import TRSLoader
from gongkai.errors import ConfigError
from gongkai.i18n import _

ENTRY_POINT_GROUP = "gongkai.platforms"
PLUGINS_ENV = "GONGKAI_PLATFORMS"  # .py files or folders of them, separated like PATH
BUILTIN: tuple[Loader, ...] = (HanwebLoader(), FujianLoader(), GkmlptLoader(), GovcnLoader(), TRSLoader(),
                               JsonListLoader())
_registered: list[Loader] = []
_plugins: list[Loader] | None = None


def register(loader: Loader) -> None:
    """Add a loader; it is asked before the built-in ones (replacing one of the same name)."""
    if not loader.name:
        raise ConfigError(_("the platform loader {name} has no `name`.").format(name=type(loader).__name__))
    _registered[:] = [x for x in _registered if x.name != loader.name]
    _registered.insert(0, loader)


def unregister(name: str) -> None:
    _registered[:] = [x for x in _registered if x.name != name]


def loaders() -> list[Loader]:
    """Every loader in the order detection asks them: registered, installed plugins, built-in."""
    own = {x.name for x in _registered}
    plugins = [x for x in _load_plugins() if x.name not in own]
    taken = own | {x.name for x in plugins}
    return [*_registered, *plugins, *(x for x in BUILTIN if x.name not in taken)]


def names() -> list[str]:
    return [x.name for x in loaders()]


def by_name(name: str) -> Loader:
    for loader in loaders():
        if loader.name == name:
            return loader
    raise ConfigError(_("unknown platform {name!r} (known: {value}).").format(name=name, value=', '.join(names())))


def _load_plugins() -> list[Loader]:
    global _plugins
    if _plugins is None:
        found: list[Loader] = []
        for ep in entry_points(group=ENTRY_POINT_GROUP):
            try:
                obj = ep.load()
                loader = obj() if isinstance(obj, type) else obj
            except Exception as e:  # noqa: BLE001 - a broken plugin must say so, not stop every crawl
                raise ConfigError(_("the platform loader {name!r} ({value}) cannot be loaded: {e}").format(name=ep.name, value=ep.value, e=e)) from None
            if isinstance(loader, Loader) and loader.name:
                found.append(loader)
        for path in _plugin_files(os.environ.get(PLUGINS_ENV, "")):
            found.extend(_file_loaders(path))
        _plugins = found
    return _plugins


def _plugin_files(value: str) -> list[Path]:
    files: list[Path] = []
    for part in filter(None, value.split(os.pathsep)):
        p = Path(part)
        if p.is_dir():
            files.extend(sorted(x for x in p.glob("*.py") if not x.name.startswith("_")))
        elif p.is_file():
            files.append(p)
        else:
            raise ConfigError(_("{PLUGINS_ENV} names {p}, which is neither a .py file nor a folder; fix the variable.").format(PLUGINS_ENV=PLUGINS_ENV, p=p))
    return files


def _file_loaders(path: Path) -> list[Loader]:
    """Instances of the Loader subclasses a plugin file defines."""
    spec = importlib.util.spec_from_file_location(f"gongkai_platform_{path.stem}", path)
    if spec is None or spec.loader is None:
        raise ConfigError(_("cannot load the platform loader file {path}.").format(path=path))
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception as e:  # noqa: BLE001 - the user's file: say what went wrong in it
        raise ConfigError(_("the platform loader file {path} cannot be loaded: {name}: {e}").format(path=path, name=type(e).__name__, e=e)) from None
    return [obj() for obj in vars(module).values() if isinstance(obj, type) and issubclass(obj, Loader)
            and obj.__module__ == module.__name__ and obj.name]


def read_list(page: ListPage, platform: str | None = None) -> Listing | None:
    """What the platform list on `page` holds, or None when no loader recognises it.

    An API answer goes back to the loader that asked for it. Otherwise the loaders' `detect` decide;
    a site's named `platform` skips the detection of every other platform. A loader that fails on a
    page (odd data, a bug) costs that page its list, with the error as the reason, not the crawl."""
    own = page.request.platform
    if own and page.is_api:
        loader = by_name(own)
        return _expand(loader, page, _detect(loader, page) or "")
    candidates = [by_name(platform)] if platform else loaders()
    for loader in candidates:
        reason = _detect(loader, page)
        if reason:
            return _expand(loader, page, reason)
    return None


def _detect(loader: Loader, page: ListPage) -> str | None:
    try:
        return loader.detect(page)
    except Exception:  # noqa: BLE001 - see read_list
        return None


def _expand(loader: Loader, page: ListPage, reason: str) -> Listing:
    try:
        listing = loader.expand(page)
    except Exception as e:  # noqa: BLE001 - see read_list
        return Listing(loader.name, f"the {loader.name} loader failed on this page ({type(e).__name__}: {e})")
    if reason:
        listing.reason = reason
    return listing


def url_shape(url: str) -> tuple[str, str] | None:
    """("article" | "list", why) when `url` has the shape of a platform's article or list page."""
    path = urlsplit(url).path
    for loader in loaders():
        for role, shapes in (("article", loader.article_shapes), ("list", loader.list_shapes)):
            if any(shape.search(path) for shape in shapes):
                return role, f"URL shape of {loader.name} {role} pages"
    return None


__all__ = ["BUILTIN", "Item", "ListPage", "Listing", "Loader", "by_name", "loaders", "names", "read_list",
           "register", "unregister", "url_shape"]
