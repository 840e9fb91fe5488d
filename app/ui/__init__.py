"""The desktop client: main window, Main Menu, the Integration Hub's forms and their models.

Nothing here speaks HTTP. What the sync core adds later comes in through
small injection points:

- ``app.ui.main.run(database_url, argv, services=Services(...))`` starts the client;
- ``Services.sap_checker`` / ``Services.tagrain_checker``: callables
  ``(template_id, ConnectionDraft) -> ConnectionReport`` run on a worker thread
  by the Test Connection buttons with the form's values, saved or not
  (``app.ui.connection_check``);
- ``Services.lists``: a ``ListSource`` (``app.ui.lists``) feeding Choose From
  List and the Tagrain side of the mappings, always called on a worker
  thread; absent, ``FormContext.lists`` reads them live through
  ``app.sync.lookups.choices`` (``app.ui.live_lists.live_lists(database)``),
  and ``app.ui.live_lists.LiveLists(reader)`` wraps any other reader;
- ``Services.code_check``: a ``CodeCheck`` (``app.ui.code_check``) that General
  Settings and Mappings ask on a worker thread before Update stores their
  codes (absent: stored unchecked; the client wires ``LiveCodeCheck``, the
  sync core's pre-flight);
- ``app.ui.registry``: one ``FormSpec`` per form; the Main Menu, the Modules
  menu and the toolbar are built from it;
- ``MainWindow.sync_now_requested`` / ``set_sync_now_available`` for Sync Now
  (and Preview beside it: ``SyncCenter.preview`` runs the object as a dry run,
  ``SyncCenter.preview_ready`` brings its rows, ``MainWindow.show_preview``
  shows them in the Synchronization Preview window).
"""
