"""The agent runtime shared by every agent type: HTTP server, LLM providers, tools."""
