"""Templates as files: export one as YAML, import it with the forms' rules, list and show them.

Qt-free and HTTP-free: the pre-flight against SAP is the sync core's
(``app.sync.preflight``), the rules and writers are the forms' own
(``app.ui.data``), so a file is refused exactly where a form would refuse it.
``document`` is what a file holds, ``yaml_file`` its text, ``diff`` what an
import changes, ``importer`` the import itself, ``summary`` list and show.
"""
