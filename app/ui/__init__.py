"""The desktop client: main window, Main Menu, the Integration Hub's forms and their models.

Nothing here speaks HTTP: connection tests and SAP/Tagrain lists reach the
forms through small injected callables (see ``app.ui.context``).
"""
