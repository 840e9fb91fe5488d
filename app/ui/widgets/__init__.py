"""Reusable SAP-like widgets: the form frame, Choose From List, the template picker."""
