"""HTML reports, their figures, and the accuracy measures they show."""
