"""Worker processes: the orchestrator worker and the per-agent-type workers."""
