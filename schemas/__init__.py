"""Pydantic v2 contracts shared by the API, the workflows, the activities and the agents.

Nothing in this package performs I/O or imports another package of ours.
"""
