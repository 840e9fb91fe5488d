; Inno Setup 6 script of the Integration Hub for Tagrain (Windows installer).
;
; Build it with packaging/windows/build_installer.py, which builds the PyInstaller
; one-folder bundle (build/dist/integration-hub) and runs
;   ISCC.exe /DAppVersion=<version from the package metadata> packaging\windows\integration-hub.iss
; The setup lands in build\installer\IntegrationHub-<version>-setup.exe.
;
; NOT RUN ON WINDOWS: this project has no Windows machine, so this script has not
; been compiled and the setup it makes has never run.  It was written against the
; Inno Setup 6 documentation (jrsoftware.org/ishelp): [Setup] AppId, ArchitecturesAllowed /
; ArchitecturesInstallIn64BitMode=x64compatible, {autopf}/{autoprograms}/{autodesktop};
; [Tasks] with Flags: unchecked; [Run]/[UninstallRun] (runhidden, postinstall,
; skipifsilent, RunOnceId: "[UninstallRun] entries run as the first step of
; uninstallation"); Pascal scripting: PrepareToInstall(var NeedsRestart): String,
; CurStepChanged(ssPostInstall/ssDone), Exec(..., SW_HIDE, ewWaitUntilTerminated,
; ResultCode), CreateInputQueryPage(...).Add(Prompt, Password), ShouldSkipPage,
; NextButtonClick, WizardIsTaskSelected, RegKeyExists, {param:Name|Default},
; SuppressibleMsgBox; and the example scripts CodePrepareToInstall.iss and CodeDlg.iss.
;
; What it does
; - Installs the bundle into {autopf}\Tagrain\Integration Hub (64-bit Program Files),
;   a Start-menu entry and, as an option, a desktop icon.
; - Task "service" (unchecked by default; /TASKS=service on the command line) registers
;   `integration-hub service` as the Windows service "IntegrationHub" through the
;   bundle's own `service install` (pywin32; see app/cli/service.py for why), running
;   as a NAMED account: Windows Credential Manager is per user, so a LocalSystem
;   service could not read the SAP password and Tagrain API key a desktop user saved.
;   The account's password goes to the bundle through an environment variable of this
;   process, never on a command line.
; - Upgrades replace the bundle in place (fixed AppId); a registered service is stopped
;   before files are replaced and started again afterwards if it was running.
; - Uninstall removes the service but NEVER the data: the store, schedules and logs in
;   %LOCALAPPDATA%\Tagrain\IntegrationHub of each user (and of the service account)
;   and the keyring entries are not files of this setup and are left alone.
;
; Silent install for IT (see docs/readme-sections/install-and-upgrade.md):
;   set INTEGRATION_HUB_SERVICE_PASSWORD=...   (not needed for a gMSA, DOMAIN\name$)
;   IntegrationHub-<version>-setup.exe /VERYSILENT /SUPPRESSMSGBOXES /TASKS=service
;       /SERVICEACCOUNT=HUB\svc-hub [/DATABASEURL=postgresql+psycopg://hub@dbserver/integration_hub]

#ifndef AppVersion
  #error Pass the version: ISCC /DAppVersion=X.Y.Z (packaging/windows/build_installer.py reads it from the package metadata)
#endif
#ifndef AppNumericVersion
  #define AppNumericVersion "0.0.0.0"
#endif
#ifndef BundleDir
  #define BundleDir "..\..\build\dist\integration-hub"
#endif
#define AppName "Integration Hub for Tagrain"
#define ExeName "integration-hub.exe"
; The windowed twin of ExeName (no console window behind the client): Start menu, icons, Launch.
#define GuiExeName "integration-hub-gui.exe"
#define ServiceName "IntegrationHub"

[Setup]
; Never change AppId: it is how an upgrade finds and replaces the installed copy.
; The first brace is doubled because "{" starts a constant in Inno Setup.
AppId={{8E78CE9D-696D-4A65-B005-6E1786D5BE02}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Tagrain
VersionInfoVersion={#AppNumericVersion}
DefaultDirName={autopf}\Tagrain\Integration Hub
DisableProgramGroupPage=yes
; Program Files and a Windows service need an administrator.
PrivilegesRequired=admin
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
UninstallDisplayIcon={app}\{#GuiExeName}
UninstallDisplayName={#AppName}
OutputDir=..\..\build\installer
OutputBaseFilename=IntegrationHub-{#AppVersion}-setup
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
; An open client holds files of the bundle: let the Restart Manager close it.
CloseApplications=yes
RestartApplications=no
SetupLogging=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked
Name: "service"; Description: "Install the scheduler service (runs the sync schedules when no client is open; for a server or a shared desktop)"; GroupDescription: "Scheduler service:"; Flags: unchecked

[InstallDelete]
; PyInstaller 6 keeps everything but the executable in _internal: remove the old
; version's copy so that no stale module of it survives an upgrade.  Only inside {app}.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#GuiExeName}"; WorkingDir: "{app}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#GuiExeName}"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
; postinstall entries run as the user who started Setup (runasoriginaluser is their
; default), so the client opens with that user's data folder and Credential Manager,
; not the administrator's.
Filename: "{app}\{#GuiExeName}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[UninstallRun]
; Stops (letting a run finish its current record) and unregisters the service before
; the files go.  Nothing here or elsewhere deletes the users' data or keyring entries.
Filename: "{app}\{#ExeName}"; Parameters: "service remove --if-installed"; Flags: runhidden waituntilterminated; RunOnceId: "RemoveSchedulerService"

[Code]
const
  ServiceKey = 'SYSTEM\CurrentControlSet\Services\{#ServiceName}';
  PasswordVariable = 'INTEGRATION_HUB_SERVICE_PASSWORD';
  { exit codes of `integration-hub service stop` }
  StopStopped = 0;
  StopNotRunning = 3;
  StopNotInstalled = 4;

var
  AccountPage: TInputQueryWizardPage;
  ServicePassword: String;
  ServiceWasRegistered: Boolean;
  ServiceWasRunning: Boolean;
  ServiceRegisteredNow: Boolean;

{ The password reaches `service install --password-env` through this process's
  environment, which the child inherits; it never appears on a command line. }
function SetEnvironmentVariable(lpName: String; lpValue: String): BOOL;
  external 'SetEnvironmentVariableW@kernel32.dll stdcall';

{ The command IT runs as the service account to store one of its secrets. }
function RunAsCommand(const Account: String): String;
begin
  Result := 'runas /user:' + Account + ' "\"' + ExpandConstant('{app}\{#ExeName}') +
    '\" secrets set --template NAME --kind sap-password"';
end;

function IsServiceRegistered(): Boolean;
begin
  Result := RegKeyExists(HKLM, ServiceKey);
end;

function IsGroupManagedAccount(const Account: String): Boolean;
begin
  Result := (Length(Account) > 1) and (Account[Length(Account)] = '$');
end;

procedure InitializeWizard();
begin
  AccountPage := CreateInputQueryPage(wpSelectTasks,
    'Scheduler service account',
    'Which account runs the scheduler service?',
    'The service reads the SAP password and Tagrain API key from the Windows Credential ' +
    'Manager of the account it runs as, so give a dedicated account (DOMAIN\svc-hub, or ' +
    '.\svc-hub for a local one). After setup, store its secrets as that account:' + #13#10 +
    'runas /user:DOMAIN\svc-hub "integration-hub secrets set --template NAME --kind sap-password"' + #13#10 +
    'A group managed service account (DOMAIN\name$) needs no password.');
  AccountPage.Add('&Account:', False);
  AccountPage.Add('&Password:', True);
  AccountPage.Add('&Confirm password:', True);
  AccountPage.Values[0] := ExpandConstant('{param:SERVICEACCOUNT|}');
end;

function ShouldSkipPage(PageID: Integer): Boolean;
begin
  { An upgrade keeps the registered service as it is: no account to ask for. }
  Result := (PageID = AccountPage.ID) and
    ((not WizardIsTaskSelected('service')) or IsServiceRegistered());
end;

function NextButtonClick(CurPageID: Integer): Boolean;
var
  Account: String;
begin
  Result := True;
  if CurPageID <> AccountPage.ID then
    Exit;
  Account := Trim(AccountPage.Values[0]);
  if (Pos('\', Account) = 0) and (Pos('@', Account) = 0) then
  begin
    SuppressibleMsgBox('Give the service account as DOMAIN\user (or .\user for a local ' +
      'account; /SERVICEACCOUNT= on the command line). It must not be LocalSystem.',
      mbError, MB_OK, IDOK);
    Result := False;
    Exit;
  end;
  if IsGroupManagedAccount(Account) then
  begin
    ServicePassword := '';
    Exit;
  end;
  ServicePassword := AccountPage.Values[1];
  if ServicePassword = '' then
    ServicePassword := GetEnv(PasswordVariable)
  else if ServicePassword <> AccountPage.Values[2] then
  begin
    SuppressibleMsgBox('The two passwords differ.', mbError, MB_OK, IDOK);
    Result := False;
    Exit;
  end;
  if ServicePassword = '' then
  begin
    SuppressibleMsgBox('Enter the password of ' + Account + ' (for a silent install, set ' +
      PasswordVariable + ' in the environment of Setup).', mbError, MB_OK, IDOK);
    Result := False;
  end;
end;

function PrepareToInstall(var NeedsRestart: Boolean): String;
var
  OldExe: String;
  ResultCode: Integer;
begin
  Result := '';
  ServiceWasRegistered := IsServiceRegistered();
  ServiceWasRunning := False;
  OldExe := ExpandConstant('{app}\{#ExeName}');
  if ServiceWasRegistered and FileExists(OldExe) then
  begin
    { Stop the service before its files are replaced; runs in progress finish their
      current record.  Exit 0: it was running and has stopped; 3: it was not running. }
    if Exec(OldExe, 'service stop --wait 180', '', SW_HIDE, ewWaitUntilTerminated, ResultCode) then
    begin
      ServiceWasRunning := ResultCode = StopStopped;
      if (ResultCode <> StopStopped) and (ResultCode <> StopNotRunning) and
         (ResultCode <> StopNotInstalled) then
        Result := 'The Integration Hub scheduler service did not stop (exit code ' +
          IntToStr(ResultCode) + '). Stop it in Services (services.msc) and run Setup again.';
    end;
  end;
end;

procedure RegisterService();
var
  Account, Params, DatabaseUrl: String;
  ResultCode: Integer;
begin
  Account := Trim(AccountPage.Values[0]);
  Params := '';
  DatabaseUrl := ExpandConstant('{param:DATABASEURL|}');
  if DatabaseUrl <> '' then
    Params := '--database "' + DatabaseUrl + '" ';
  Params := Params + 'service install --account "' + Account + '"';
  if not IsGroupManagedAccount(Account) then
  begin
    SetEnvironmentVariable(PasswordVariable, ServicePassword);
    Params := Params + ' --password-env ' + PasswordVariable;
  end;
  if Exec(ExpandConstant('{app}\{#ExeName}'), Params, '', SW_HIDE,
          ewWaitUntilTerminated, ResultCode) and (ResultCode = 0) then
    ServiceRegisteredNow := True
  else
    SuppressibleMsgBox('The scheduler service could not be registered (exit code ' +
      IntToStr(ResultCode) + '). Register it later from an administrator command prompt:' +
      #13#10 + '"' + ExpandConstant('{app}\{#ExeName}') + '" service install --account ' +
      Account + ' --password-prompt',
      mbError, MB_OK, IDOK);
  SetEnvironmentVariable(PasswordVariable, '');
  ServicePassword := '';
end;

procedure StartService();
var
  ResultCode: Integer;
begin
  if not Exec(ExpandConstant('{app}\{#ExeName}'), 'service start', '', SW_HIDE,
              ewWaitUntilTerminated, ResultCode) or (ResultCode <> 0) then
    SuppressibleMsgBox('The scheduler service did not start again (exit code ' +
      IntToStr(ResultCode) + '); see the Windows Event Log and its log file.',
      mbError, MB_OK, IDOK);
end;

procedure CurStepChanged(CurStep: TSetupStep);
begin
  if CurStep = ssPostInstall then
  begin
    if WizardIsTaskSelected('service') and not ServiceWasRegistered then
      RegisterService();
    if ServiceWasRunning then
      StartService();
  end
  else if (CurStep = ssDone) and ServiceRegisteredNow then
    { Not started yet: its account has no secrets until IT stores them. }
    SuppressibleMsgBox('The scheduler service is registered (delayed automatic start) but ' +
      'not started. Store its secrets as its account, then start it:' + #13#10 +
      RunAsCommand(Trim(AccountPage.Values[0])) + #13#10 +
      '(and --kind tagrain-api-key for each template), then, as an administrator:' + #13#10 +
      '"' + ExpandConstant('{app}\{#ExeName}') + '" service start',
      mbInformation, MB_OK, IDOK);
end;
