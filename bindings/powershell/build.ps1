<#
.SYNOPSIS
Builds the self-contained Mimecast PowerShell module folder.

.DESCRIPTION
1. cargo build --release (repository root) -> target/release/libmimecast.so (skip with -SkipNative);
2. dotnet build of bindings/csharp/Mimecast (Release), then dotnet publish of its netstandard2.0 asset, which
   collects Mimecast.dll and the netstandard2.0 dependencies Windows PowerShell 5.1 needs (System.Text.Json, ...);
3. assembles <OutputPath>/Mimecast/: Mimecast.psd1, Mimecast.psm1, lib/*.dll and
   lib/runtimes/<rid>/native/<native library> (where the .NET library's resolver looks, next to Mimecast.dll).

The result can be copied anywhere and imported with Import-Module <folder>/Mimecast.psd1.

.PARAMETER OutputPath
Where the module folder Mimecast/ is created (default: bindings/powershell/out). It is replaced.

.PARAMETER SkipNative
Do not run cargo; use the target/release library that is already there.

.EXAMPLE
pwsh -NoProfile -File bindings/powershell/build.ps1
#>
[CmdletBinding()]
param(
    [string] $OutputPath,
    [switch] $SkipNative
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$here = $PSScriptRoot
$repo = [System.IO.Path]::GetFullPath((Join-Path $here '../..'))
if (-not $OutputPath) { $OutputPath = Join-Path $here 'out' }
$OutputPath = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($OutputPath)
$source = Join-Path $here 'Mimecast'
$csproj = Join-Path $repo 'bindings/csharp/Mimecast/Mimecast.csproj'
$publish = Join-Path $here '.build/publish'

function Invoke-Native {
    param([string] $FilePath, [string[]] $ArgumentList)
    Write-Host ('build: {0} {1}' -f $FilePath, ($ArgumentList -join ' '))
    & $FilePath @ArgumentList
    if ($LASTEXITCODE -ne 0) { throw ('{0} failed with exit code {1}' -f $FilePath, $LASTEXITCODE) }
}

# The module version must be Cargo.toml's.
$cargoToml = Get-Content -LiteralPath (Join-Path $repo 'Cargo.toml') -Raw
$cargoVersion = [regex]::Match($cargoToml, '(?m)^version\s*=\s*"([^"]+)"').Groups[1].Value
$manifest = Import-PowerShellDataFile -LiteralPath (Join-Path $source 'Mimecast.psd1')
if ($manifest.ModuleVersion -ne $cargoVersion) {
    throw ('Mimecast.psd1 has ModuleVersion {0} but Cargo.toml has {1}: update bindings/powershell/Mimecast/Mimecast.psd1.' -f $manifest.ModuleVersion, $cargoVersion)
}

if (-not $SkipNative) {
    Push-Location $repo
    try { Invoke-Native cargo @('build', '--release', '--quiet') } finally { Pop-Location }
}
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$env:DOTNET_NOLOGO = '1'
Invoke-Native dotnet @('build', $csproj, '-c', 'Release', '-nologo', '-v', 'quiet')
if (Test-Path -LiteralPath $publish) { Remove-Item -LiteralPath $publish -Recurse -Force }
Invoke-Native dotnet @('publish', $csproj, '-c', 'Release', '-f', 'netstandard2.0', '--no-build', '-nologo', '-v', 'quiet', '-o', $publish)

$module = Join-Path $OutputPath 'Mimecast'
if (Test-Path -LiteralPath $module) { Remove-Item -LiteralPath $module -Recurse -Force }
$lib = Join-Path $module 'lib'
New-Item -ItemType Directory -Path $lib -Force | Out-Null

Copy-Item -LiteralPath (Join-Path $source 'Mimecast.psd1'), (Join-Path $source 'Mimecast.psm1') -Destination $module
Get-ChildItem -LiteralPath $source -Filter '*.ps1xml' | Copy-Item -Destination $module
# Mimecast.dll, its XML docs, and the netstandard2.0 dependencies (used by Windows PowerShell 5.1 only; PowerShell 7
# has newer versions of them built in and ignores these).
Get-ChildItem -LiteralPath $publish -File | Where-Object { $_.Extension -in '.dll', '.xml' } | Copy-Item -Destination $lib

# Native libraries, in the layout the .NET resolver probes: lib/runtimes/<rid>/native/.
$arch = ([string][System.Runtime.InteropServices.RuntimeInformation]::OSArchitecture).ToLowerInvariant()
$natives = @(
    @{ File = 'target/release/libmimecast.so'; Rid = 'linux-' + $arch }
    @{ File = 'target/release/libmimecast.dylib'; Rid = 'osx-' + $arch }
    @{ File = 'target/release/mimecast.dll'; Rid = 'win-' + $arch }
)
$copied = 0
foreach ($n in $natives) {
    $file = Join-Path $repo $n.File
    if (Test-Path -LiteralPath $file) {
        $dir = Join-Path $lib ('runtimes/{0}/native' -f $n.Rid)
        New-Item -ItemType Directory -Path $dir -Force | Out-Null
        Copy-Item -LiteralPath $file -Destination $dir
        $copied++
    }
}
if ($copied -eq 0) { throw 'No native library in target/release: run cargo build --release in the repository root.' }

Write-Host ('build: module {0} in {1}' -f $cargoVersion, $module)
