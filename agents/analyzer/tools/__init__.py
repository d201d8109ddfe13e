"""Tools of the analyzer agent."""
