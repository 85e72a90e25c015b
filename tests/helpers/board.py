"""What the board report tests record and look for: the plan's own words."""

ARCH_VOLUNTEERS = "Number of ARCh company volunteers through charter"
PARENT_POWER = "Identify area in Oxfordshire to replicate Parent Power"
GROWING_MINDS = "Develop feasibility study for expansion"
FEBRUARY_NOTE = "Blackbird Leys chosen with the parents' group in February."
DECEMBER_NOTE = "Feasibility study drafted before Christmas."
