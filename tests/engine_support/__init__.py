"""Reusable test support for the engine: a Temporal dev server, a scriptable HTTP agent
service, plan builders and a harness that runs real workers against them."""
