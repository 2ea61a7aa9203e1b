"""realign.data: bundled tables (COW, ATOP, WWII events), the dated state resolver, user imports."""

from realign.data.names import resolve, resolve_detail, state_name
from realign.data.store import cite, list_datasets, load, manifest, query, table_path, verify

__all__ = [
    "load",
    "manifest",
    "list_datasets",
    "cite",
    "query",
    "table_path",
    "verify",
    "resolve",
    "resolve_detail",
    "state_name",
]
