"""Tools of the mapper agent."""
