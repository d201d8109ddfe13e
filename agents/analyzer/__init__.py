"""The analyzer agent."""
