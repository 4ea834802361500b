"""The task list's pure rules: the roll-up of task groups (:mod:`.rollup`) and the timeline's label lanes
(:mod:`.lanes`)."""
