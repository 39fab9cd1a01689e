; NSIS installer for Windows 10/11 (x64): per-machine, 简体中文, Start-menu and desktop shortcuts.
; Build (Windows or Linux with nsis): makensis /DVERSION=0.1.0 /DBUNDLE=..\dist\fupin-desktop installer\fupin.nsi
; The uninstaller removes the program folder only: the data folder (%LOCALAPPDATA%\fupin-desktop,
; with the database, attachments, seal keys and backups) is the bureau's and stays.
Unicode true
!include "MUI2.nsh"
!include "x64.nsh"

!ifndef VERSION
  !define VERSION "0.1.0"
!endif
!ifndef BUNDLE
  !define BUNDLE "..\dist\fupin-desktop"
!endif
!define APPNAME "社会组织参与脱贫攻坚工作管理"
!define UNINSTKEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\fupin-desktop"

Name "${APPNAME}"
OutFile "..\dist\fupin-desktop-${VERSION}-setup.exe"
InstallDir "$PROGRAMFILES64\fupin-desktop"
InstallDirRegKey HKLM "${UNINSTKEY}" "InstallLocation"
RequestExecutionLevel admin
SetCompressor /SOLID lzma

!define MUI_ABORTWARNING
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!define MUI_FINISHPAGE_RUN "$INSTDIR\fupin.exe"
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "SimpChinese"

Function .onInit
  ${IfNot} ${RunningX64}
    MessageBox MB_ICONSTOP "本程序需要 64 位 Windows 10 或 Windows 11。"
    Abort
  ${EndIf}
  SetShellVarContext all
  SetRegView 64
FunctionEnd

Section "程序" SecMain
  SetOutPath "$INSTDIR"
  File /r "${BUNDLE}\*.*"
  WriteUninstaller "$INSTDIR\uninstall.exe"
  CreateDirectory "$SMPROGRAMS\${APPNAME}"
  CreateShortcut "$SMPROGRAMS\${APPNAME}\${APPNAME}.lnk" "$INSTDIR\fupin.exe"
  CreateShortcut "$SMPROGRAMS\${APPNAME}\演示县.lnk" "$INSTDIR\fupin.exe" "--demo"
  CreateShortcut "$SMPROGRAMS\${APPNAME}\卸载.lnk" "$INSTDIR\uninstall.exe"
  CreateShortcut "$DESKTOP\${APPNAME}.lnk" "$INSTDIR\fupin.exe"
  WriteRegStr HKLM "${UNINSTKEY}" "DisplayName" "${APPNAME}"
  WriteRegStr HKLM "${UNINSTKEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKLM "${UNINSTKEY}" "Publisher" "fupin-desktop"
  WriteRegStr HKLM "${UNINSTKEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKLM "${UNINSTKEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegDWORD HKLM "${UNINSTKEY}" "NoModify" 1
  WriteRegDWORD HKLM "${UNINSTKEY}" "NoRepair" 1
SectionEnd

Function un.onInit
  SetShellVarContext all
  SetRegView 64
FunctionEnd

Section "Uninstall"
  Delete "$DESKTOP\${APPNAME}.lnk"
  RMDir /r "$SMPROGRAMS\${APPNAME}"
  RMDir /r "$INSTDIR"  ; the program only: the data folder is elsewhere and stays
  DeleteRegKey HKLM "${UNINSTKEY}"
SectionEnd
