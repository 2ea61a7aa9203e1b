"""One router per stage of the dashboard (page, system, dashboard panels, what-if, essay)."""
