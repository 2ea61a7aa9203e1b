"""Effect rules of the battle catalogue: capability and credibility effects from cited losses.

A battle's effect on a side is computed from the losses its sources give, by the stated rules below
(model assumptions, stated in :mod:`realign.events.catalogue`), never set by hand per state.
"""

from __future__ import annotations

from realign.errors import InvalidParameterError

__all__ = ["loss_share", "capability_from_losses", "credibility_magnitude"]


def loss_share(low: float, high: float, milper_thousands: float) -> float:
    """Share of military personnel lost: ``min(1, midpoint(low, high) / (milper × 1000))``.

    Parameters
    ----------
    low, high : float
        Personnel lost (dead, wounded, prisoners), the range the sources give (persons).
    milper_thousands : float
        The side's or state's COW NMC ``milper`` (thousands of personnel), > 0.

    Returns
    -------
    float
        The share lost, 0 to 1.

    Raises
    ------
    InvalidParameterError
        If ``milper_thousands`` is not positive.

    Examples
    --------

    >>> round(loss_share(800_000, 1_500_000, 12_023), 4)
    0.0957
    """
    if milper_thousands <= 0:
        raise InvalidParameterError(
            f"The 'milper_thousands' parameter of loss_share must be > 0. Got {milper_thousands!r} instead."
        )
    return min(1.0, ((low + high) / 2.0) / (milper_thousands * 1000.0))


def capability_from_losses(low: float, high: float, milper_thousands: float) -> float:
    """Capability multiplier ``1 − s/6`` (milper is one of the six CINC components).

    Parameters
    ----------
    low, high : float
        Personnel lost, the sources' range (persons).
    milper_thousands : float
        COW NMC ``milper`` of the loser (thousands), > 0.

    Returns
    -------
    float
        The factor on the state's CINC, rounded to 3 decimals (1 = no loss).

    Examples
    --------

    >>> capability_from_losses(800_000, 1_500_000, 12_023)
    0.984
    """
    return round(1.0 - loss_share(low, high, milper_thousands) / 6.0, 3)


def credibility_magnitude(
    loser_low: float, loser_high: float, loser_milper_thousands: float, formation_destroyed: bool
) -> float:
    """Credibility swing ``min(1, 0.1 + 2·s_loser + 0.2·F)``; winner ``+m``, loser ``−m``.

    Parameters
    ----------
    loser_low, loser_high : float
        The loser's personnel lost, the sources' range (persons).
    loser_milper_thousands : float
        The loser's COW NMC ``milper`` (thousands), > 0.
    formation_destroyed : bool
        Whether a whole army-level formation was destroyed or surrendered (``F``).

    Returns
    -------
    float
        The magnitude ``m``, 0.1 to 1, rounded to 2 decimals (model assumption; the catalogue module docstring).

    Examples
    --------

    >>> credibility_magnitude(800_000, 1_500_000, 12_023, True)
    0.49
    """
    s = loss_share(loser_low, loser_high, loser_milper_thousands)
    return round(min(1.0, 0.1 + 2.0 * s + (0.2 if formation_destroyed else 0.0)), 2)
