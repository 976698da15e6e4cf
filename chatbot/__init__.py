"""Rehearse: practise the conversations that come before a job."""

__version__ = "0.1.0"
