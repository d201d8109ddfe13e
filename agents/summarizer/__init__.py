"""The summarizer agent."""
