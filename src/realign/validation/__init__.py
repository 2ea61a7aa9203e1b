"""Validation of realign's alignment models against history (issue 6, "Validation").

Cases, each stating exactly which data its prediction used (nothing dated after the prediction
date):

* ``wwii`` — landscape prediction of WWII sides from data up to 1939-09-01, the post-Barbarossa
  variant (1941-06-21) and the Axelrod & Bennett (1993) 1936 comparison;
* ``wwi`` — WWI sides from data before 1914-07-28;
* ``1872-1907`` — the great-power signed networks 1872, 1882, 1892, 1907: balance scores and what
  triad/continuous balance dynamics predict from 1872/1882 versus the 1907 blocs;
* ``blocs1955`` — NATO vs Warsaw Pact from data before 1955-05-14;
* ``choice`` — alignment-choice weights with standard errors and a held-out one-step-ahead check;
* ``forecast`` — rolling-origin, leave-the-war-out 3-month forecasts of side changes in WWI and
  WWII Europe (AUC, Brier, skill vs persistence; :mod:`realign.validation.forecast`).

>>> from realign.validation import CASES
>>> list(CASES)
['wwii', 'wwi', '1872-1907', 'blocs1955', 'choice', 'forecast']
"""

from realign.validation.report import CASES, SLOW_CASES, run, run_all, summary_rows

__all__ = ["CASES", "SLOW_CASES", "run", "run_all", "summary_rows"]
