"""The only writers of the planning app. Each service is one transaction, is told who acts
(an `Actor`) and records what happened in the history (`planning.kinds`).

Split by subject: `programmes` (start one — blank, from a template or from last year's —,
change, adopt, close, publish, delete), `structure` (directions, goals, actions and the
plan's indicators), `progress` (dated updates with evidence) and `swot` (the yearly SWOT
analysis and its points)."""
