"""Workers that run sync work off the GUI thread and report through queued signals."""
