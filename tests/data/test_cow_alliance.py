import pandas as pd
import pytest

from realign import System
from realign.data.cow_alliance import import_cow_alliance, load_cow_alliance
from realign.errors import InputFileError


def test_import_user_cow_alliance_and_use_day_level_dates(shared_dir, user_data):
    out = import_cow_alliance(shared_dir / "data" / "cow_alliance")
    assert out.exists() and out.parent == user_data
    cow = load_cow_alliance()
    tripartite = cow[cow.alliance == 189]
    joined = dict(zip(tripartite.ccode, tripartite.start.dt.strftime("%Y-%m-%d"), strict=True))
    assert joined[360] == "1940-11-23" and joined[310] == "1940-11-20" and joined[355] == "1941-03-01"
    # Day-level: on 1940-11-21 Hungary is in the Tripartite Pact (COW) but Romania not yet.
    s = System.at("1940-11-21")
    cow_rows = s.alliances[s.alliances.source == "COW 4.1 (day)"]
    pairs = set(zip(cow_rows.ccode1, cow_rows.ccode2, strict=True))
    assert (255, 310) in pairs
    assert (255, 360) not in pairs
    assert s.coverage["cow_alliance"]


def test_import_missing_folder_is_clear(tmp_path, user_data):
    with pytest.raises(InputFileError, match="alliance_v4.1_by_member.csv"):
        import_cow_alliance(tmp_path)


def test_import_wrong_file_names_line(tmp_path, user_data):
    pd.DataFrame({"a": [1]}).to_csv(tmp_path / "alliance_v4.1_by_member.csv", index=False)
    with pytest.raises(InputFileError, match=":1: .*missing columns"):
        import_cow_alliance(tmp_path)
    assert load_cow_alliance() is None  # nothing half-written
