"""Campaign projection: when enemy ground forces reach each belligerent's territory after a cut-off.

Fronts move as a fitted function of the balance, not by hand: each month a belligerent not yet in
contact is reached with the probability given by the **contact hazard**
(:class:`realign.models.hazard.HazardModel` ``kind="contact"``), a logit in whether a land
neighbour fights on the enemy side, whether a land neighbour on its own side already has enemy
forces on its soil (the front spreading), its coalition's capability share and trend, the balance
of battle credibility, and months at war. It is fitted only on months before the cut-off (WWI in
full when forecasting WWII; the target war up to the cut-off), so a battle's outcome moves later
contact through capability and credibility, never through a date set for a state.

Contacts, once made, last until the end of the run (model assumption: no liberation inside the
horizon), and neutrals are never invaded in the projection (invasions of neutrals are forced
entries, outside the choice model; stated).
"""

from __future__ import annotations

import numpy as np

from realign.models.feature_rows import contact_rows
from realign.models.features import MonthState, Static, month_shared
from realign.models.hazard import HazardModel

__all__ = ["contact_step"]


def contact_step(
    model: HazardModel,
    coef: np.ndarray,
    st: Static,
    ms: MonthState,
    w: np.ndarray,
    cred: np.ndarray,
    t: int,
    rng: np.random.Generator,
    shared: dict | None = None,
) -> np.ndarray:
    """New contact array (R, n): current contacts plus this month's projected onsets.

    ``shared``: :func:`realign.models.features.month_shared` of ``ms.side`` and ``w``, if already computed.

    Parameters
    ----------
    model : HazardModel
        Fitted contact hazard (``kind="contact"``).
    coef : np.ndarray
        Shape (R, k+1), one coefficient draw per run (intercept first).
    st : Static
        The run's fixed data; only states with ``st.fronts`` can be reached.
    ms : MonthState
        The (R, n) state at month ``t`` (sides and current contacts).
    w : np.ndarray
        Shape (R, n), capabilities (CINC x multipliers x contact loss).
    cred : np.ndarray
        Shape (R, 3), battle credibility of sides 1 and 2.
    t : int
        Absolute month number (``year * 12 + month - 1``).
    rng : np.random.Generator
        Source of the month's draws (one uniform per run and state).
    shared : dict or None, default None
        See above; ``None`` computes it.

    Returns
    -------
    np.ndarray
        Shape (R, n) bool: ``ms.contact`` or a new onset (belligerents covered by fronts only).
    """
    if not st.fronts.any():
        return ms.contact.copy()
    at_risk = (ms.side > 0) & ~ms.contact & st.fronts[None, :]
    u = rng.random(at_risk.shape)  # one draw per run and state, as before the hazard is read only where at risk
    r, i = np.nonzero(at_risk)
    X = contact_rows(st, ms, cred, t, shared or month_shared(st, ms.side, w), r, i)  # rows of the pairs at risk only
    p = model.predict_proba_rows(X, coef, r)
    onset = np.zeros_like(at_risk)
    onset[r, i] = u[r, i] < p
    return ms.contact | onset
