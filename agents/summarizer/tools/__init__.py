"""Tools of the summarizer agent."""
