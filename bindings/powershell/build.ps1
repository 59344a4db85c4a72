<#
.SYNOPSIS
Builds the self-contained Mimecast PowerShell module folder.

.DESCRIPTION
1. cargo build --release (repository root) -> target/release/libmimecast.so (skip with -SkipNative);
2. dotnet publish of src/Mimecast.PowerShell.csproj (the cmdlets, netstandard2.0 against PowerShell Standard 5.1),
   which builds the C# library (bindings/csharp/Mimecast, netstandard2.0) and collects the dependencies Windows
   PowerShell 5.1 needs (System.Text.Json, System.Memory, ...);
3. assembles <OutputPath>/Mimecast/:
     Mimecast.psd1            the manifest, with ModuleVersion and the project URLs from Cargo.toml
     Mimecast.format.ps1xml   the views
     en-US/Mimecast.PowerShell.dll-Help.xml   MAML help generated from docs/*.md and the cmdlets' metadata
     lib/Mimecast.PowerShell.dll, lib/Mimecast.dll and the dependencies
     lib/runtimes/<rid>/native/<library>       every native library that exists: target/release (this machine),
                                               target/x86_64-pc-windows-gnu/release (win-x64),
                                               target/aarch64-unknown-linux-gnu/release (linux-arm64)
     LICENSE-MIT, LICENSE-APACHE              when they exist at the repository root
4. checks the result with Test-ModuleManifest.

The folder can be copied anywhere (Import-Module <folder>/Mimecast.psd1) or published with Publish-PSResource.

.PARAMETER OutputPath
Where the module folder Mimecast/ is created (default: bindings/powershell/out). It is replaced.

.PARAMETER SkipNative
Do not run cargo; use the libraries that are already in target/.

.EXAMPLE
pwsh -NoProfile -File bindings/powershell/build.ps1 -OutputPath dist/powershell
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
$project = Join-Path $here 'src/Mimecast.PowerShell.csproj'
$publish = Join-Path $here '.build/publish'

function Invoke-Native {
    param([string] $FilePath, [string[]] $ArgumentList)
    Write-Host ('build: {0} {1}' -f $FilePath, ($ArgumentList -join ' '))
    & $FilePath @ArgumentList
    if ($LASTEXITCODE -ne 0) { throw ('{0} failed with exit code {1}' -f $FilePath, $LASTEXITCODE) }
}

# Cargo.toml's [package] is the one source of the version and of the project's URL.
$cargoToml = Get-Content -LiteralPath (Join-Path $repo 'Cargo.toml') -Raw
$package = [regex]::Match($cargoToml, '(?ms)^\[package\]\s*$(.*?)(?=^\[)').Groups[1].Value
function Get-CargoField([string] $Name) {
    $m = [regex]::Match($package, '(?m)^' + $Name + '\s*=\s*"([^"]+)"')
    if ($m.Success) { return $m.Groups[1].Value } else { return $null }
}
$version = Get-CargoField 'version'
if (-not $version) { throw 'No version in the [package] section of Cargo.toml.' }
$projectUri = Get-CargoField 'repository'
if (-not $projectUri) { $projectUri = Get-CargoField 'homepage' }

if (-not $SkipNative) {
    Push-Location $repo
    try { Invoke-Native cargo @('build', '--release', '--quiet') } finally { Pop-Location }
}
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$env:DOTNET_NOLOGO = '1'
if (Test-Path -LiteralPath $publish) { Remove-Item -LiteralPath $publish -Recurse -Force }
Invoke-Native dotnet @('publish', $project, '-c', 'Release', '-nologo', '-v', 'quiet', '-o', $publish)

$module = Join-Path $OutputPath 'Mimecast'
if (Test-Path -LiteralPath $module) { Remove-Item -LiteralPath $module -Recurse -Force }
$lib = Join-Path $module 'lib'
New-Item -ItemType Directory -Path $lib -Force | Out-Null

# The manifest, with what the source manifest leaves to the build.
$manifestText = Get-Content -LiteralPath (Join-Path $source 'Mimecast.psd1') -Raw
$manifestText = [regex]::Replace($manifestText, "(?m)^(\s*ModuleVersion\s*=\s*)'[^']*'", "`${1}'$version'")
if ($projectUri) {
    $uris = "ProjectUri   = '{0}'`n            LicenseUri   = '{0}/blob/main/LICENSE-MIT'`n            " -f $projectUri.TrimEnd('/')
    $manifestText = [regex]::Replace($manifestText, '(?m)^(\s*)(ReleaseNotes\s*=)', "`${1}$uris`${2}")
}
else {
    Write-Warning 'Cargo.toml has no `repository` (or `homepage`): the manifest gets no ProjectUri/LicenseUri.'
}
Set-Content -LiteralPath (Join-Path $module 'Mimecast.psd1') -Value $manifestText -Encoding utf8 -NoNewline
Copy-Item -LiteralPath (Join-Path $source 'Mimecast.format.ps1xml'), (Join-Path $source 'Mimecast.types.ps1xml') -Destination $module

# The cmdlets, the .NET library and the netstandard2.0 dependencies (used by Windows PowerShell 5.1 only;
# PowerShell 7 has newer versions of them built in and ignores these).
Get-ChildItem -LiteralPath $publish -File |
    Where-Object { $_.Extension -eq '.dll' -or $_.Name -eq 'Mimecast.xml' } |
    Copy-Item -Destination $lib

# Native libraries, in the layout the .NET library's resolver probes next to Mimecast.dll: runtimes/<rid>/native/.
$hostArch = ([string][System.Runtime.InteropServices.RuntimeInformation]::OSArchitecture).ToLowerInvariant()
$natives = @(
    @{ File = 'target/release/libmimecast.so'; Rid = 'linux-' + $hostArch; Name = 'libmimecast.so'; Host = $IsLinux }
    @{ File = 'target/release/libmimecast.dylib'; Rid = 'osx-' + $hostArch; Name = 'libmimecast.dylib'; Host = $IsMacOS }
    @{ File = 'target/release/mimecast.dll'; Rid = 'win-' + $hostArch; Name = 'mimecast.dll'; Host = $IsWindows }
    @{ File = 'target/x86_64-pc-windows-gnu/release/mimecast.dll'; Rid = 'win-x64'; Name = 'mimecast.dll'; Host = $true }
    @{ File = 'target/aarch64-unknown-linux-gnu/release/libmimecast.so'; Rid = 'linux-arm64'; Name = 'libmimecast.so'; Host = $true }
)
$copied = @()
foreach ($n in $natives) {
    $file = Join-Path $repo $n.File
    $dir = Join-Path $lib ('runtimes/{0}/native' -f $n.Rid)
    if ($n.Host -and (Test-Path -LiteralPath $file) -and -not (Test-Path -LiteralPath (Join-Path $dir $n.Name))) {
        New-Item -ItemType Directory -Path $dir -Force | Out-Null
        Copy-Item -LiteralPath $file -Destination (Join-Path $dir $n.Name)
        $copied += $n.Rid
    }
}
if ($copied.Count -eq 0) { throw 'No native library in target/: run cargo build --release in the repository root.' }

foreach ($licence in 'LICENSE-MIT', 'LICENSE-APACHE') {
    $file = Join-Path $repo $licence
    if (Test-Path -LiteralPath $file) { Copy-Item -LiteralPath $file -Destination $module }
}

# Help: MAML generated in a separate process, which imports the new module to read the cmdlets' parameters.
$helpDir = Join-Path $module 'en-US'
New-Item -ItemType Directory -Path $helpDir -Force | Out-Null
# pwsh by name: as a .NET global tool this process is `dotnet`.
$pwsh = (Get-Command -Name pwsh -CommandType Application -ErrorAction Stop | Select-Object -First 1).Source
Invoke-Native $pwsh @('-NoProfile', '-NonInteractive', '-File', (Join-Path $here 'tools/New-MamlHelp.ps1'),
    '-ModulePath', (Join-Path $module 'Mimecast.psd1'), '-DocsPath', (Join-Path $here 'docs'),
    '-OutFile', (Join-Path $helpDir 'Mimecast.PowerShell.dll-Help.xml'))

$info = Test-ModuleManifest -Path (Join-Path $module 'Mimecast.psd1') -ErrorAction Stop
Write-Host ('build: module {0} in {1} (native: {2})' -f $info.Version, $module, ($copied -join ', '))
