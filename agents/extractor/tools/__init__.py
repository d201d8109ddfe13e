"""Tools of the extractor agent."""
