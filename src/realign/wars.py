"""One vocabulary for the two world wars: COW war numbers and the labels of their sides.

COW Inter-State War Data v4.0 (Sarkees & Wayman 2010) numbers World War I as war 106 and World
War II as war 139; side 1 is the Entente / the Allies, side 2 the Central Powers / the Axis.
Every module that names these wars or their sides imports them from here.

>>> WAR_SIDES[WWII][2], WAR_SIDES[WWI][1]
('axis', 'entente')
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["WWI", "WWII", "WAR_SIDES", "SIDE_NAMES"]

#: COW war number of World War I (COW Inter-State War Data v4.0).
WWI = 106
#: COW war number of World War II (COW Inter-State War Data v4.0).
WWII = 139

#: COW war number -> {COW side number: side label}.
WAR_SIDES: Mapping[int, Mapping[int, str]] = {
    WWI: {1: "entente", 2: "central_powers"},
    WWII: {1: "allies", 2: "axis"},
}

#: COW war number -> {COW side number: the side's name for display}.
SIDE_NAMES: Mapping[int, Mapping[int, str]] = {
    WWI: {1: "Entente", 2: "Central Powers"},
    WWII: {1: "Allies", 2: "Axis"},
}
