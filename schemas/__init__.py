"""Pydantic v2 contracts shared by the API, the workflows, the activities and the agents.

Nothing in this package performs I/O or imports another package of ours. Besides pydantic
and the standard library, only :mod:`schemas.workflow_contract` imports a library:
temporalio's data types (search-attribute keys, ``FailureError``), checked by import-linter.
"""
