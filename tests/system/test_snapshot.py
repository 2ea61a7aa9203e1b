import json
import math

import networkx as nx
import pytest

from realign import System
from realign.errors import CoverageError, InvalidDateError


@pytest.fixture(scope="module")
def nov42():
    return System.at("1942-11-19")  # Operation Uranus begins


def test_romania_and_germany_same_side_ussr_opposite(nov42):
    assert nov42.side(360, 139) == nov42.side(255, 139) == 2
    assert nov42.side(365, 139) == 1


def test_romania_switches_to_the_ussr_side_in_1944():
    s = System.at("1944-10-01")
    assert s.side(360) == s.side(365) == 1
    # Between the exit (1944-08-23) and the re-entry (1944-09-09) Romania is in no COW spell.
    assert System.at("1944-09-01").side(360) is None


def test_italy_changes_side_in_1943():
    assert System.at("1943-08-01").side(325) == 2
    assert System.at("1943-09-20").side(325) is None
    assert System.at("1943-11-01").side(325) == 1


def test_turkey_in_no_war_mid_1944():
    s = System.at("1944-06-01")
    assert 640 in s
    assert s.wars[s.wars.ccode == 640].empty


def test_cinc_order_1942(nov42):
    order = [nov42.cinc(c) for c in (2, 255, 365, 200, 740)]
    assert order == sorted(order, reverse=True)
    assert nov42.cinc(2) == pytest.approx(0.2855, abs=1e-4)
    assert nov42.states.cinc_year.dropna().unique().tolist() == [1942]


def test_tripartite_partners_allied_in_1941():
    s = System.at("1941-06-01")
    for a, b in [(255, 325), (255, 740), (325, 740), (255, 310), (255, 360), (255, 355)]:
        assert b in s.allies(a), (a, b)
        assert a in s.allies(b), (a, b)


def test_dyad_sharing_a_year_but_no_day_is_absent():
    # Czechoslovakia leaves the system 1939-03-15; Albania leaves 1939-04-07 ... pick members that
    # never coexist: the Baltic states exit June 1940, Iceland enters 1944-06-17.
    s1 = System.at("1944-06-17")
    assert 395 in s1 and 366 not in s1
    # Japan exits 1945-08-14; on 1945-08-20 no dyad involving Japan exists despite the shared year.
    s = System.at("1945-08-20")
    assert 740 not in s
    assert s.alliances is None or not ((s.alliances.ccode1 == 740) | (s.alliances.ccode2 == 740)).any()
    g = s.to_networkx()
    assert 740 not in g


def test_major_powers_on_the_day():
    s = System.at("1943-09-01")
    majors = set(s.states[s.states.major_power].ccode)
    assert {2, 200, 255, 325, 365, 740} <= majors
    assert 325 not in set(System.at("1943-09-03").states.query("major_power").ccode)


def test_outside_coverage_is_missing_not_zero(monkeypatch):
    import dataclasses

    from realign.system import snapshot, tables

    real = tables.tables()
    narrowed = dataclasses.replace(real, nmc_years=(1816, 1900), atop_years=(1816, 1900))
    monkeypatch.setattr(snapshot, "tables", lambda: narrowed)
    s = System.at("1942-11-19")
    assert not s.coverage["nmc"] and not s.coverage["atop"]
    assert s.alliances is None  # unknown, not "no alliances"
    assert s.states.cinc.isna().all()  # missing, never 0
    assert all(st["cinc"] is None for st in s.to_dict()["states"])
    assert all(math.isnan(v) for v in s.coalition_shares().values())


def test_bad_dates_are_clear():
    with pytest.raises(InvalidDateError, match="Malformed date"):
        System.at("19-11-1942")
    with pytest.raises(CoverageError, match="outside"):
        System.at("1815-12-31")
    with pytest.raises(CoverageError):
        System.at("2020-01-01")


def test_contract_json_shape(nov42):
    d = json.loads(nov42.to_json())
    assert d["date"] == "1942-11-19"
    assert set(d) == {"date", "states"}
    rom = next(s for s in d["states"] if s["ccode"] == 360)
    assert set(rom) == {"ccode", "name", "cinc", "major_power", "wars", "allies"}
    assert rom["wars"] == [{"war": 139, "side": 2}]
    assert 640 in rom["allies"]  # ATOP 5.1 has a Romania-Turkey dyad-year row every year 1934-1944
    ger = next(s for s in d["states"] if s["ccode"] == 255)
    assert {325, 740} <= set(ger["allies"])
    assert isinstance(rom["cinc"], float)


def test_signed_graph_and_graphml(nov42, tmp_path):
    g = nov42.to_networkx()
    assert g.edges[255, 365]["sign"] == -1
    assert g.edges[255, 360]["sign"] == 1
    assert g.nodes[255]["major_power"] is True
    path = nov42.to_graphml(tmp_path / "g.graphml")
    h = nx.read_graphml(path, node_type=int)
    assert h.number_of_edges() == g.number_of_edges()


def test_coalition_shares(nov42):
    shares = nov42.coalition_shares(139)
    assert shares[1] > shares[2] > 0
    assert math.isclose(sum(shares.values()), 0.911, abs_tol=0.01)


def test_names_and_missing_dates_are_handled():
    """Issue 12: System.side("Romania") resolves the name; System.at(pd.NaT) is a clear error."""
    import pandas as pd

    from realign.errors import InvalidParameterError

    s = System.at("1942-11-19")
    assert s.side("Romania") == s.side(360) == 2
    assert s.cinc("Germany") == s.cinc(255)
    with pytest.raises(InvalidParameterError, match="NaT"):
        System.at(pd.NaT)


def test_graphml_write_is_atomic(nov42, tmp_path, monkeypatch):
    """A failed write leaves the earlier file whole and no temporary file behind."""
    path = nov42.to_graphml(tmp_path / "g.graphml")
    before = path.read_bytes()

    def broken(graph, target):
        with open(target, "w") as f:
            f.write("<graphml")  # a partial file, then the writer fails
        raise OSError("disk full")

    monkeypatch.setattr(nx, "write_graphml", broken)
    with pytest.raises(OSError, match="disk full"):
        nov42.to_graphml(path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g.graphml"]
