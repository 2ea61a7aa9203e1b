"""Discrete-time hazards: recovery of known coefficients, separation, and facts of the observed panel."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from realign.errors import InvalidParameterError
from realign.models.features import EXIT_FEATURES
from realign.models.hazard import HazardModel, credibility_at, observation_days, war_panel
from realign.system.information import InformationSet
from realign.system.snapshot import LAST_DAY


def _simulated(beta: np.ndarray, n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    k = len(EXIT_FEATURES)
    X = rng.normal(size=(n, k))
    z = beta[0] + X @ beta[1:]
    y = rng.random(n) < 1 / (1 + np.exp(-z))
    df = pd.DataFrame(X, columns=list(EXIT_FEATURES))
    return df.assign(kind="exit", use=True, y=y.astype(int), war=1)


def test_recovers_known_coefficients_on_a_simulated_panel():
    k = len(EXIT_FEATURES)
    beta = np.r_[-2.0, np.linspace(-1, 1, k)]
    m = HazardModel("exit").fit(_simulated(beta, 40_000, 0))
    se = np.sqrt(np.diag(m.cov_))
    assert not m.penalised_
    z = np.abs(m.coef_ - beta) / se
    assert (z < 4).all(), (m.coef_, beta)
    # the 95% intervals cover the truth for nearly every coefficient
    assert ((m.coef_ - 1.96 * se <= beta) & (beta <= m.coef_ + 1.96 * se)).mean() >= 0.75


def test_target_war_gets_a_shrunken_baseline_shift():
    k = len(EXIT_FEATURES)
    beta = np.r_[-2.5, np.zeros(k)]
    other = _simulated(beta, 20_000, 3)
    target = _simulated(np.r_[-1.0, np.zeros(k)], 3_000, 4).assign(war=7)  # a war with a much higher baseline
    m = HazardModel("exit", war_sd=1.0).fit(pd.concat([other, target]), target_war=7)
    shift, se = m.war_shift_
    assert 1.0 < shift < 2.0 and se > 0
    assert m.coef_[0] == pytest.approx(-1.0, abs=0.25)  # predictions are for the target war
    tight = HazardModel("exit", war_sd=0.005).fit(pd.concat([other, target]), target_war=7)
    assert abs(tight.war_shift_[0]) < 0.1  # a tight prior pools the war with the others
    plain = HazardModel("exit").fit(pd.concat([other, target]), target_war=7)
    assert plain.war_shift_ == (0.0, 0.0)  # off by default


def test_separation_falls_back_to_a_penalised_fit():
    df = _simulated(np.r_[-1.0, np.zeros(len(EXIT_FEATURES))], 400, 1)
    df["y"] = (df["contact"] > 0).astype(int)  # perfectly separated
    m = HazardModel("exit").fit(df)
    assert m.penalised_ and np.isfinite(m.coef_).all() and np.isfinite(m.cov_).all()
    assert m.coef_[1 + EXIT_FEATURES.index("contact")] > 1


def test_no_events_is_a_clear_error():
    df = _simulated(np.r_[-1.0, np.zeros(len(EXIT_FEATURES))], 50, 2).assign(y=0)
    with pytest.raises(InvalidParameterError, match="No exit events"):
        HazardModel("exit").fit(df)
    with pytest.raises(InvalidParameterError):
        HazardModel("bogus").fit(df)


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 6), st.integers(1, 8))
def test_predict_proba_per_run_matches_single(runs, n):
    rng = np.random.default_rng(runs * 10 + n)
    m = HazardModel("exit")
    m.coef_ = rng.normal(size=len(EXIT_FEATURES) + 1)
    X = rng.normal(size=(runs, n, len(EXIT_FEATURES)))
    b = np.repeat(m.coef_[None, :], runs, axis=0)
    np.testing.assert_allclose(m.predict_proba(X, b), m.predict_proba(X))
    assert ((m.predict_proba(X) > 0) & (m.predict_proba(X) < 1)).all()


@pytest.fixture(scope="module")
def wwii():
    return war_panel(139, InformationSet(LAST_DAY))


def _row(panel, ccode, date, kind="exit"):
    r = panel[(panel["ccode"] == ccode) & (panel["date"] == pd.Timestamp(date)) & (panel["kind"] == kind)]
    assert len(r) == 1, (ccode, date, kind)
    return r.iloc[0]


def test_panel_records_the_minor_allies_exits_as_choices(wwii):
    for ccode, month in (
        (325, "1943-08-15"),
        (360, "1944-08-15"),
        (355, "1944-08-15"),
        (375, "1944-09-15"),
        (310, "1945-01-15"),
    ):
        r = _row(wwii, ccode, month)
        assert r["y"] == 1 and r["use"], (ccode, r["reason"])


def test_panel_contact_from_the_fronts_table(wwii):
    assert _row(wwii, 325, "1943-08-15")["contact"] == 1  # Sicily, 1943-07-10
    # a month's row carries the news of that month up to the decision: the landing of 1943-07-10 is in the
    # row of 1943-06-15 (the month to 07-15), not in the one before
    assert _row(wwii, 325, "1943-06-15")["contact"] == 1
    assert _row(wwii, 325, "1943-05-15")["contact"] == 0


def test_a_change_sees_only_the_news_dated_a_week_before_it():
    # Bulgaria asked for an armistice on 1918-09-24 and left on 09-29; the Allied entry (09-25) and the battle's
    # outcome as the catalogue dates it (09-26, by the armistice request itself) must not explain the exit
    p = war_panel(106, InformationSet(LAST_DAY))
    bul = p[(p["ccode"] == 355) & (p["kind"] == "exit") & (p["y"] == 1)].iloc[0]
    assert bul["date"] == pd.Timestamp("1918-09-15") and bul["use"]
    assert bul["contact"] == 0
    ev = {e.slug: e for e in InformationSet(LAST_DAY).events(106)}
    assert ev["dobro_pole"].outcome_known == dt.date(1918, 9, 26)
    from realign.models.credibility import credibility_at, event_credibility

    before = credibility_at(event_credibility([e for e in ev.values()]), dt.date(1918, 9, 22))
    assert bul["credibility"] == pytest.approx(before[2] - before[1])


def test_panel_non_choices_are_flagged(wwii):
    assert not _row(wwii, 290, "1939-09-15")["use"]  # Poland conquered
    assert "conquest" in _row(wwii, 220, "1940-06-15")["reason"]  # Paris taken 1940-06-14
    nor = wwii[(wwii["ccode"] == 385) & (wwii["y"] == 1) & wwii["kind"].str.startswith("join")]
    assert len(nor) and not nor["use"].any()  # Norway was invaded
    assert not _row(wwii, 255, "1944-06-15")["use"]  # Germany is a coalition core


def test_panel_contagion_feature(wwii):
    # Finland: Romania and Bulgaria (coalition partners) left in the last three months
    assert _row(wwii, 375, "1944-09-15")["partner_left"] == 1
    assert _row(wwii, 375, "1944-06-15")["partner_left"] == 0


def test_credibility_decays():
    eff = [(dt.date(1943, 2, 2), {1: 1.0, 2: -1.0})]
    c0 = credibility_at(eff, dt.date(1943, 2, 15))
    c12 = credibility_at(eff, dt.date(1944, 2, 15))
    assert c0[1] == pytest.approx(1.0) and c0[2] == pytest.approx(-1.0)
    assert 0 < c12[1] < c0[1] and credibility_at(eff, dt.date(1943, 1, 15)).tolist() == [0, 0, 0]


def test_observation_days():
    assert observation_days(dt.date(1939, 9, 1), dt.date(1939, 12, 1))[0] == dt.date(1939, 9, 15)
    assert observation_days(dt.date(1939, 9, 20), dt.date(1939, 12, 31)) == [
        dt.date(1939, 10, 15),
        dt.date(1939, 11, 15),
        dt.date(1939, 12, 15),
    ]


def test_an_exit_between_the_last_15th_and_the_war_end_is_observed():
    # the Ottoman armistice of Mudros (1918-10-30) falls after the last monthly observation (10-15) and
    # before the general armistice (11-11): a choice, 12 days before the war's end
    p = war_panel(106, InformationSet(LAST_DAY))
    tur = p[(p["ccode"] == 640) & (p["kind"] == "exit") & (p["y"] == 1)]
    assert len(tur) == 1 and tur["date"].iloc[0] == pd.Timestamp("1918-10-15") and bool(tur["use"].iloc[0])
    # Germany, still at war on 11-11, leaves with the war's end: observed, and not a choice
    ger = p[(p["ccode"] == 255) & (p["kind"] == "exit") & (p["y"] == 1)]
    assert len(ger) == 1 and not bool(ger["use"].iloc[0])


def test_exit_followed_by_absorption_is_not_a_choice():
    # Bavaria, Baden and Wuerttemberg left the Franco-Prussian war in November 1870 and the system on
    # 1871-01-18 (the German Empire): absorption, not a decision to leave the side
    p = war_panel(58, InformationSet(LAST_DAY))
    ex = p[(p["kind"] == "exit") & (p["y"] == 1) & p["ccode"].isin([245, 267, 271])]
    assert len(ex) == 3 and not ex["use"].any()
    assert set(ex["reason"]) == {"absorbed or conquered (left the system soon after)"}


def test_weakly_informative_prior_matches_the_mle_with_many_events_and_shrinks_with_few():
    k = len(EXIT_FEATURES)
    beta = np.r_[-2.0, np.linspace(-1, 1, k)]
    big = _simulated(beta, 40_000, 1)
    mle = HazardModel("exit").fit(big)
    bayes = HazardModel("exit", prior_scale=2.5).fit(big)
    np.testing.assert_allclose(bayes.coef_, mle.coef_, atol=0.02)
    small = _simulated(beta, 300, 2)
    m_small = HazardModel("exit").fit(small)
    b_small = HazardModel("exit", prior_scale=2.5).fit(small)
    assert np.abs(b_small.coef_[1:]).sum() < np.abs(m_small.coef_[1:]).sum()
    assert np.all(np.diag(b_small.cov_) <= np.diag(m_small.cov_) + 1e-9)  # the prior adds information


def test_firth_matches_the_mle_with_many_events_and_exists_under_separation():
    k = len(EXIT_FEATURES)
    beta = np.r_[-2.0, np.linspace(-1, 1, k)]
    big = _simulated(beta, 40_000, 3)
    mle = HazardModel("exit").fit(big)
    firth = HazardModel("exit", firth=True).fit(big)
    np.testing.assert_allclose(firth.coef_, mle.coef_, atol=0.03)
    # FLIC: the mean predicted probability equals the observed event rate (Puhr et al. 2017)
    X = big[big["kind"] == "exit"][list(EXIT_FEATURES)].to_numpy(float)
    y = big[big["kind"] == "exit"]["y"].to_numpy(float)
    assert abs(firth.predict_proba(X).mean() - y.mean()) < 1e-8


def test_firth_estimate_is_finite_where_the_mle_does_not_exist():
    from realign.models.logit import _firth

    # complete separation: y = 1 exactly when x > 0; the MLE slope is infinite, Firth's is finite
    x = np.r_[np.linspace(-2, -0.1, 20), np.linspace(0.1, 2, 20)]
    X = np.column_stack([np.ones(40), x])
    y = (x > 0).astype(float)
    b, cov = _firth(X, y, intercept_correction=False)
    assert np.all(np.isfinite(b)) and 0 < b[1] < 20 and np.all(np.diag(cov) > 0)
