"""Sample credit-memo documents and the demo orchestration."""
