# Shared by the *.Tests.ps1 files (dot-sourced in BeforeAll): imports the packaged module copied by run-tests.sh
# and talks to the emulator's control endpoints.
Set-StrictMode -Version Latest

foreach ($name in 'MIMECAST_TEST_MODULE_DIR', 'MIMECAST_TEST_URL', 'MIMECAST_TEST_TLS_URL', 'MIMECAST_TEST_PROXY', 'MIMECAST_TEST_REPO') {
    if (-not [Environment]::GetEnvironmentVariable($name)) { throw "$name is not set: run the tests with bindings/powershell/run-tests.sh" }
}
$script:ModuleDir = $env:MIMECAST_TEST_MODULE_DIR
$script:Url = $env:MIMECAST_TEST_URL
$script:TlsUrl = $env:MIMECAST_TEST_TLS_URL
$script:ProxyUrl = $env:MIMECAST_TEST_PROXY
$script:Repo = $env:MIMECAST_TEST_REPO

if (-not (Get-Module -Name Mimecast)) {
    Import-Module -Name (Join-Path $script:ModuleDir 'Mimecast.psd1') -Force -ErrorAction Stop
}

# The emulator's DEFAULT_KEYS (tests/mimecast_emulator.py).
$script:Keys = @{
    AppId        = '6f6b3f73-1a2b-4c3d-9e8f-0123456789ab'
    AppKey       = 'c2f1c8a0-5d8e-4f5a-9b7c-abcdef012345'
    AccessKey    = 'mYtOL3XZCOwG96BOiFTZRmMtmBmXMf4ULJMl0iBEPbQk4hgyl5nORmSY3EG8dS5tZEsQqhHddiO6rrDY6EbZ6ao7FxCpDaTw8QCuiRWOV3ldvoHfXPEgPWdiL0MC-7AIwH9OvEc8lXrJeYVO2tmyWA'
    SecretKey    = [Convert]::ToBase64String([byte[]](0..63))
    ClientId     = 'emulator-client-id-0001'
    ClientSecret = 'emulator-client-secret-s3cr3t-0001'
}
# Values that must never appear in an error message or the verbose stream.
$script:Secrets = @($script:Keys.AppKey, $script:Keys.AccessKey, $script:Keys.SecretKey, $script:Keys.ClientSecret)

function ConvertTo-TestSecureString([string] $Text) { ConvertTo-SecureString -String $Text -AsPlainText -Force }

function Connect-TestEmulator {
    # Connect-Mimecast with the emulator's API 1.0 keys; extra parameters are splatted.
    param([string] $BaseUrl = $script:Url, [hashtable] $Extra = @{})
    $p = @{
        BaseUrl        = $BaseUrl
        ApplicationId  = $script:Keys.AppId
        ApplicationKey = $script:Keys.AppKey
        AccessKey      = $script:Keys.AccessKey
        SecretKey      = (ConvertTo-TestSecureString $script:Keys.SecretKey)
    }
    foreach ($k in $Extra.Keys) { $p[$k] = $Extra[$k] }
    Connect-Mimecast @p
}

function Reset-Emulator {
    param([string] $BaseUrl = $script:Url)
    Invoke-RestMethod -NoProxy -Method Post -Uri "$BaseUrl/_emulator/reset" -Body '{}' -ContentType 'application/json' | Out-Null
}

function Add-EmulatorFault {
    param([Parameter(Mandatory = $true)] [hashtable] $Fault, [string] $BaseUrl = $script:Url)
    $json = ConvertTo-Json -InputObject $Fault -Compress
    Invoke-RestMethod -NoProxy -Method Post -Uri "$BaseUrl/_emulator/faults" -Body $json -ContentType 'application/json' | Out-Null
}

function Get-EmulatorStats {
    param([string] $BaseUrl = $script:Url)
    Invoke-RestMethod -NoProxy -Method Get -Uri "$BaseUrl/_emulator/stats"
}

function Get-EmulatorSiemEvents {
    # The ids of the emulator's SIEM event set, in order (every SIEM source serves it).
    param([string] $BaseUrl = $script:Url)
    @(Invoke-RestMethod -NoProxy -Method Get -Uri "$BaseUrl/_emulator/siem-events")
}

function Get-TestErrorRecord {
    # Runs the script block with $ErrorActionPreference = 'Stop' and returns the first error record it wrote or threw
    # (or $null). The module's errors are non-terminating: Stop makes the first one end the block, as in a script.
    param([Parameter(Mandatory = $true)] [scriptblock] $ScriptBlock)
    $ErrorActionPreference = 'Stop'
    try { & $ScriptBlock | Out-Null } catch { return $_ }
    return $null
}

function Get-TestErrorId {
    # The FullyQualifiedErrorId of a Mimecast error: the id, then the class of the cmdlet that wrote it.
    param([Parameter(Mandatory = $true)] [string] $Id, [Parameter(Mandatory = $true)] [string] $Command)
    '{0},Mimecast.Commands.{1}Command' -f $Id, ($Command -replace '-', '')
}

function Assert-NoSecret {
    param([AllowEmptyString()] [string] $Text, [string] $Because = 'no secret may be shown')
    foreach ($s in $script:Secrets) {
        $Text.Contains($s) | Should -BeFalse -Because $Because
    }
}

function Invoke-TestPwsh {
    # Runs a script in a fresh pwsh process (no profile) with extra environment variables and optional lines on its
    # standard input (answers to prompts). Returns @{ Output = <lines>; ExitCode = <int> }.
    param(
        [Parameter(Mandatory = $true)] [string] $Script,
        [hashtable] $Environment = @{},
        [string[]] $InputLines,
        [switch] $Interactive
    )
    $pwsh = $env:MIMECAST_TEST_PWSH
    if (-not $pwsh) { $pwsh = 'pwsh' }
    $saved = @{}
    foreach ($k in $Environment.Keys) { $saved[$k] = [Environment]::GetEnvironmentVariable($k); [Environment]::SetEnvironmentVariable($k, $Environment[$k]) }
    try {
        $arguments = @('-NoProfile')
        if (-not $Interactive) { $arguments += '-NonInteractive' }
        $arguments += @('-Command', $Script)
        if ($InputLines) { $out = $InputLines | & $pwsh @arguments 2>&1 }
        else { $out = & $pwsh @arguments 2>&1 }
        $code = $LASTEXITCODE
    }
    finally {
        foreach ($k in $saved.Keys) { [Environment]::SetEnvironmentVariable($k, $saved[$k]) }
    }
    @{ Output = @($out | ForEach-Object { "$_" }); ExitCode = $code }
}

function New-TestPowerShell {
    # A PowerShell instance with its own runspace (in this process) and the module imported: a pipeline that a test
    # can stop (.Stop(), what Ctrl+C does) or whose progress and verbose streams it can read.
    $ps = [powershell]::Create()
    $null = $ps.AddCommand('Import-Module').AddParameter('Name', (Join-Path $script:ModuleDir 'Mimecast.psd1')).Invoke()
    $ps.Commands.Clear()
    $ps
}
