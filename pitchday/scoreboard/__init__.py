"""The organiser's scoring board: live ranking, locks, audit log, exports, publication of results."""
