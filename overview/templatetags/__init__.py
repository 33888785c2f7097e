"""Template filters of the overview page."""
