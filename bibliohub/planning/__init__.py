"""Development programmes (strategic directions → goals → actions, with their progress and
evidence), yearly SWOT analyses, and what the monitoring group and the public see of them.

At the planning layer: it reads the branches, staff, partners and (later) indicators of the
apps below it, and nothing below imports it."""
