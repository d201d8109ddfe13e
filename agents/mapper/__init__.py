"""The mapper agent."""
