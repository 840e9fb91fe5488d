"""Store reads and writes behind the setup forms: plain functions, no Qt."""
