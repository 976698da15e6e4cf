"""The coach: question analysis, live hints, the scorecard and the follow-up note, from turns."""
