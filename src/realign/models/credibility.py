"""Re-export: battle credibility now lives in :mod:`realign.events.credibility` (issue 12, one data gate)."""

from __future__ import annotations

from realign.events.credibility import CREDIBILITY_RETENTION, credibility_at, credibility_path, event_credibility

__all__ = ["CREDIBILITY_RETENTION", "event_credibility", "credibility_at", "credibility_path"]
