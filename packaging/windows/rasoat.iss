; Inno Setup 6 script for Rà soát: installs the one-folder bundle dist\rasoat\ built by
; Saved as UTF-8 with a BOM: Inno Setup reads a script without one as ANSI and would garble "Rà soát".
; packaging/rasoat.spec on Windows (packaging/windows/build.yml does both steps).
;
; NOT TRIED: this script has not been compiled or run on a real Windows machine yet.
;
;   ISCC.exe /DAppVersion=0.1.0 packaging\windows\rasoat.iss      (from the repository root)
;
; Choices, each with its reason:
; - Per-user install by default (PrivilegesRequired=lowest): commune officers' laptops often
;   have no administrator password at hand; an administrator can still choose "all users".
; - No file association: commune files are named *.rasoat.sqlite and Windows associates by the
;   last extension only, so claiming ".sqlite" would hijack every SQLite file on the machine.
; - The user's data (communes, settings, logs) lives in the user's AppData folders
;   (rasoat.paths), never in the install folder, so uninstalling or upgrading never deletes it.
; - Installer texts in English: Inno Setup ships no Vietnamese translation of its own screens
;   (Vietnamese.isl exists only among the unofficial translations on jrsoftware.org); to use it,
;   download it next to this file and uncomment the "vi" line in [Languages].

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppName "Rà soát"
#define AppExe "rasoat.exe"
; Relative to this file: the repository's dist\rasoat\ folder.
#define BundleDir "..\..\dist\rasoat"

[Setup]
; A fixed id: Windows recognises upgrades and the uninstaller by it. Never change it.
AppId={{050BDFF9-6A7C-4948-8A9F-184F8C476C23}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher=Rà soát developers
DefaultDirName={autopf}\RaSoat
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
; Python 3.11 and Qt 6 run on 64-bit Windows 10 or later only.
MinVersion=10.0
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\dist
OutputBaseFilename=rasoat-setup-{#AppVersion}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
LicenseFile=..\..\LICENSE
UninstallDisplayIcon={app}\{#AppExe}

[Languages]
Name: "en"; MessagesFile: "compiler:Default.isl"
; Name: "vi"; MessagesFile: "Vietnamese.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[Files]
; The whole one-folder bundle: the executable and _internal\ (Python, Qt, fonts, standards data).
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{group}\Gỡ cài đặt {#AppName}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
