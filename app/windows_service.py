"""The Windows service wrapper of ``integration-hub service`` (pywin32). Imported on Windows only.

The service control manager starts the bundle as
``integration-hub.exe [--database URL] service --poll ... --windows-service-host``
(the command line ``service install`` registers). That process hands itself
to the service control manager (``servicemanager.PrepareToHostSingle`` and
``StartServiceCtrlDispatcher``, the pattern for a service inside a frozen
executable: there is no pythonservice.exe in the bundle), and
``HubService.SvcDoRun`` runs the same ``run_service`` as the foreground
command with a ``threading.Event`` that ``SvcStop`` sets. What the
foreground command prints goes to the normal log file instead.

Not run on Windows in this project's CI (there is no Windows machine); see
docs/readme-sections/install-and-upgrade.md.
"""

from __future__ import annotations

import io
import logging
import os
import subprocess
import sys
import threading
from typing import Any, ClassVar

import pywintypes
import servicemanager
import win32security
import win32service
import win32serviceutil
import winerror

from app import logsetup
from app.cli.errors import EXIT_OK, EXIT_USAGE, error_line
from app.scheduling.service import ServiceOptions, run_service
from app.store.database import open_database
from app.sync.jobs import OBJECTS

log = logging.getLogger(__name__)

SERVICE_NAME = "IntegrationHub"
DISPLAY_NAME = "Integration Hub for Tagrain (scheduler)"
DESCRIPTION = (
    "Runs the Integration Hub's sync schedules between SAP Business One and Tagrain "
    "when no client is open. Reads its secrets from the Credential Manager of its account."
)
STOP_WAIT_HINT_MS = 180_000
EXIT_NOT_RUNNING = 3
"""``service status``/``service stop``: the service is not running (app/cli/errors.py has 0-2)."""
EXIT_NOT_INSTALLED = 4
"""``service status`` (and start/stop): there is no such service."""
STARTUP_TYPES = {
    "auto": (win32service.SERVICE_AUTO_START, False),
    "delayed": (win32service.SERVICE_AUTO_START, True),
    "manual": (win32service.SERVICE_DEMAND_START, False),
}


class _LogLines(io.StringIO):
    """A text stream whose every complete line becomes an INFO record of the log file."""

    def __init__(self) -> None:
        super().__init__()
        self._pending = ""

    def write(self, text: str) -> int:
        self._pending += text
        *lines, self._pending = self._pending.split("\n")
        for line in lines:
            if line:
                log.info("%s", line)
        return len(text)


class HubService(win32serviceutil.ServiceFramework):
    """The scheduler as a Windows service: SvcDoRun runs ``run_service`` until SvcStop."""

    _svc_name_ = SERVICE_NAME
    _svc_display_name_ = DISPLAY_NAME
    _svc_description_ = DESCRIPTION

    database_url: ClassVar[str | None] = None
    options: ClassVar[ServiceOptions] = ServiceOptions()

    def __init__(self, args: Any) -> None:
        super().__init__(args)
        self.stop_event = threading.Event()

    def SvcStop(self) -> None:
        """Ask the scheduler to stop; runs in progress finish their current record."""
        self.ReportServiceStatus(win32service.SERVICE_STOP_PENDING, waitHint=STOP_WAIT_HINT_MS)
        self.stop_event.set()

    def SvcShutdown(self) -> None:
        """Windows is shutting down: stop as on a stop request."""
        self.SvcStop()

    def SvcDoRun(self) -> None:
        """Run the scheduler until the stop event is set; failures go to the log and Event Log."""
        servicemanager.LogMsg(
            servicemanager.EVENTLOG_INFORMATION_TYPE,
            servicemanager.PYS_SERVICE_STARTED,
            (self._svc_name_, ""),
        )
        log.info("Windows service %s starting", self._svc_name_)
        try:
            database = open_database(self.database_url)
            try:
                run_service(
                    database, OBJECTS, self.stop_event, options=self.options, out=_LogLines()
                )
            finally:
                database.dispose()
        except Exception as exc:
            log.exception("Windows service %s failed", self._svc_name_)
            servicemanager.LogErrorMsg(
                f"{self._svc_name_} failed: {type(exc).__name__}; details in {logsetup.log_file()}"
            )
            raise
        servicemanager.LogMsg(
            servicemanager.EVENTLOG_INFORMATION_TYPE,
            servicemanager.PYS_SERVICE_STOPPED,
            (self._svc_name_, ""),
        )


def host(database_url: str | None, options: ServiceOptions) -> int:
    """Hand this process to the service control manager (what the registered command does)."""
    HubService.database_url = database_url
    HubService.options = options
    logsetup.configure(logging.getLogger().level or logging.INFO, console=False)
    servicemanager.Initialize(SERVICE_NAME, os.path.abspath(servicemanager.__file__))
    servicemanager.PrepareToHostSingle(HubService)
    try:
        servicemanager.StartServiceCtrlDispatcher()
    except pywintypes.error as exc:
        if exc.winerror == winerror.ERROR_FAILED_SERVICE_CONTROLLER_CONNECT:
            print(
                error_line(
                    "--windows-service-host is for the service control manager; "
                    "run 'integration-hub service' to schedule in the foreground"
                ),
                file=sys.stderr,
            )
            return EXIT_USAGE
        raise
    return EXIT_OK


def install(account: str, password: str | None, command: list[str], *, startup: str) -> int:
    """Register (or re-register on upgrade) the service to run ``command`` as ``account``."""
    start_type, delayed = STARTUP_TYPES[startup]
    executable, arguments = command[0], subprocess.list2cmdline(command[1:])
    try:
        win32serviceutil.InstallService(
            None,
            SERVICE_NAME,
            DISPLAY_NAME,
            startType=start_type,
            userName=account,
            password=password,
            exeName=executable,
            exeArgs=arguments,
            description=DESCRIPTION,
            delayedstart=delayed,
        )
        print(f"service {SERVICE_NAME} installed, running as {account}")
    except pywintypes.error as exc:
        if exc.winerror != winerror.ERROR_SERVICE_EXISTS:
            raise
        win32serviceutil.ChangeServiceConfig(
            None,
            SERVICE_NAME,
            startType=start_type,
            userName=account,
            password=password,
            exeName=executable,
            exeArgs=arguments,
            displayName=DISPLAY_NAME,
            description=DESCRIPTION,
            delayedstart=delayed,
        )
        print(f"service {SERVICE_NAME} updated, running as {account}")
    _grant_logon_as_service(account)
    print(
        f"store its secrets as that account: runas /user:{account} "
        '"integration-hub secrets set --template NAME --kind sap-password" '
        "(and --kind tagrain-api-key)"
    )
    return EXIT_OK


def _grant_logon_as_service(account: str) -> None:
    """Give the account the "Log on as a service" right (CreateService does not)."""
    try:
        sid = win32security.LookupAccountName(None, account)[0]
        # pywin32 takes None for "this machine" and closes the handle it returned;
        # types-pywin32 says str and int there.
        local_system: str = None  # type: ignore[assignment]
        policy = win32security.LsaOpenPolicy(local_system, win32security.POLICY_ALL_ACCESS)
        try:
            win32security.LsaAddAccountRights(policy, sid, ("SeServiceLogonRight",))
        finally:
            win32security.LsaClose(policy)  # type: ignore[arg-type, unused-ignore]
    except pywintypes.error as exc:
        print(
            f"warning: could not grant {account} 'Log on as a service' ({exc.strerror}); "
            "grant it in Local Security Policy or by group policy"
        )


def _state() -> int | None:
    """The service's current state, or None when it is not installed."""
    try:
        return int(win32serviceutil.QueryServiceStatus(SERVICE_NAME)[1])
    except pywintypes.error as exc:
        if exc.winerror == winerror.ERROR_SERVICE_DOES_NOT_EXIST:
            return None
        raise


def remove(*, if_installed: bool) -> int:
    """Stop the service if it runs, then unregister it; data and secrets stay."""
    if _state() is None:
        print(f"service {SERVICE_NAME} is not installed")
        return EXIT_OK if if_installed else EXIT_NOT_INSTALLED
    stop(wait_seconds=STOP_WAIT_HINT_MS // 1000)
    win32serviceutil.RemoveService(SERVICE_NAME)
    print(f"service {SERVICE_NAME} removed (the database, schedules and secrets are kept)")
    return EXIT_OK


def start() -> int:
    """Start the service and wait until it reports running."""
    if _state() is None:
        print(f"service {SERVICE_NAME} is not installed")
        return EXIT_NOT_INSTALLED
    win32serviceutil.StartService(SERVICE_NAME)
    win32serviceutil.WaitForServiceStatus(SERVICE_NAME, win32service.SERVICE_RUNNING, 60)
    print(f"service {SERVICE_NAME} running")
    return EXIT_OK


def stop(*, wait_seconds: int) -> int:
    """Stop the service and wait; exit 3 when it was not running (the installer reads this)."""
    state = _state()
    if state is None:
        print(f"service {SERVICE_NAME} is not installed")
        return EXIT_NOT_INSTALLED
    if state == win32service.SERVICE_STOPPED:
        print(f"service {SERVICE_NAME} is not running")
        return EXIT_NOT_RUNNING
    if state != win32service.SERVICE_STOP_PENDING:
        win32serviceutil.StopService(SERVICE_NAME)
    win32serviceutil.WaitForServiceStatus(SERVICE_NAME, win32service.SERVICE_STOPPED, wait_seconds)
    print(f"service {SERVICE_NAME} stopped")
    return EXIT_OK


def status() -> int:
    """Print the service's state: exit 0 running, 3 not running, 4 not installed."""
    state = _state()
    if state is None:
        print(f"service {SERVICE_NAME} is not installed")
        return EXIT_NOT_INSTALLED
    running = state == win32service.SERVICE_RUNNING
    names = {
        win32service.SERVICE_STOPPED: "stopped",
        win32service.SERVICE_START_PENDING: "starting",
        win32service.SERVICE_STOP_PENDING: "stopping",
        win32service.SERVICE_RUNNING: "running",
    }
    print(f"service {SERVICE_NAME}: {names.get(state, f'state {state}')}")
    return EXIT_OK if running else EXIT_NOT_RUNNING
