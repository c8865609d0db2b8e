# Build and self-test Seatside on Windows: the steps of .github/workflows/windows.yml,
# runnable on a bank's own build machine (Windows 10/11 x64, Python 3.11 x64 on PATH).
#
#   powershell -ExecutionPolicy Bypass -File scripts\windows-build.ps1
#   powershell -ExecutionPolicy Bypass -File scripts\windows-build.ps1 -SkipTests
#
# Result: dist\seatside\ with seatside.exe (the panel) and seatside-cli.exe (commands),
# checked by `seatside-cli.exe --self-test`. Stops at the first failing step.
[CmdletBinding()]
param(
    [string]$Python = "python",
    [switch]$SkipTests
)
$ErrorActionPreference = "Stop"
Set-Location (Split-Path -Parent $PSScriptRoot)

function Step([string]$Name, [scriptblock]$Block) {
    Write-Host "==> $Name"
    & $Block
    if ($LASTEXITCODE -ne 0) { throw "step failed ($LASTEXITCODE): $Name" }
}

Step "Python version" { & $Python -c "import sys, struct; assert sys.version_info >= (3, 10), sys.version; print(sys.version, struct.calcsize('P') * 8, 'bit')" }
Step "virtual environment" { & $Python -m venv .venv }
$Py = Join-Path (Get-Location) ".venv\Scripts\python.exe"
Step "install" { & $Py -m pip install --upgrade pip }
Step "install Seatside with its test and build extras" { & $Py -m pip install -e ".[test,dist]" }
Step "compile the Chinese translation" { & (Join-Path (Get-Location) ".venv\Scripts\pyside6-lrelease.exe") -silent resources\i18n\seatside_zh_CN.ts -qm resources\i18n\seatside_zh_CN.qm }

if (-not $SkipTests) {
    # The Qt-free core and the Windows backends on the fake Win32 layer; then the same
    # backends' Qt glue and the insertion rules on a real Windows desktop session.
    Step "core tests" { & $Py -m pytest tests/core -p no:pytest-qt -p no:xvfb -W ignore::pytest.PytestConfigWarning -q }
    Step "Windows insertion tests (Qt)" { & $Py -m pytest tests/gui/test_insertion_policies.py tests/gui/test_hotkeys_insertion.py -p no:xvfb -q }
    Step "type checks as on Windows" { & $Py -m mypy --platform win32 -p desktop }
}

Step "PyInstaller build" { & $Py -m PyInstaller --noconfirm --clean build.spec }
Step "self-test of the build (console program)" {
    $env:QT_QPA_PLATFORM = "offscreen"
    & dist\seatside\seatside-cli.exe --self-test
    Remove-Item Env:\QT_QPA_PLATFORM
}
Step "the console program prints" { & dist\seatside\seatside-cli.exe --version }
$Size = (Get-ChildItem dist\seatside -Recurse | Measure-Object -Property Length -Sum).Sum
Write-Host ("dist\seatside: {0:N0} bytes; zip that folder for the seats" -f $Size)
