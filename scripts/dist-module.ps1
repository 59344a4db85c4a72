<#
.SYNOPSIS
Turns the module folder built by bindings/powershell/build.ps1 into the released module (make dist).

.DESCRIPTION
- native libraries: the module's linux-x64, linux-arm64 and win-x64 files (build.ps1 puts them in
  runtimes/<rid>/native/) are replaced by the stripped builds of make dist, under the same names;
- LICENSE-MIT and LICENSE-APACHE in the module folder (build.ps1 copies them; checked);
- the module version must be Cargo.toml's (build.ps1 writes the URLs and keeps the release notes);
- Publish-PSResource to a folder repository (-Repository), and a zip of the folder (-Zip).
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $Module,
    [Parameter(Mandatory)] [string] $Natives,
    [Parameter(Mandatory)] [string] $Repository,
    [Parameter(Mandatory)] [string] $Zip
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
$repo = [System.IO.Path]::GetFullPath((Join-Path $PSScriptRoot '..'))

# The module's native libraries (runtimes/<rid>/native/, under whatever names the module uses) are
# replaced by the stripped builds of the same platform; all three platforms must be there.
$stripped = @{ 'linux-x64' = 'linux-x64/libmimecast.so'; 'linux-arm64' = 'linux-arm64/libmimecast.so'; 'win-x64' = 'win-x64/mimecast.dll' }
$seen = @{}
foreach ($file in Get-ChildItem -LiteralPath $Module -Recurse -File) {
    if ($file.FullName -notmatch '[\\/]runtimes[\\/]([^\\/]+)[\\/]native[\\/]') { continue }
    $rid = $Matches[1]
    if (-not $stripped.ContainsKey($rid)) { throw "unexpected native folder $rid in $Module" }
    Copy-Item -LiteralPath (Join-Path $Natives $stripped[$rid]) -Destination $file.FullName -Force
    $seen[$rid] = $file.FullName
}
foreach ($rid in $stripped.Keys) { if (-not $seen.ContainsKey($rid)) { throw "the module has no $rid library: build.ps1 did not find it" } }
foreach ($licence in 'LICENSE-MIT', 'LICENSE-APACHE') {
    if (-not (Test-Path -LiteralPath (Join-Path $Module $licence))) { Copy-Item -LiteralPath (Join-Path $repo $licence) -Destination $Module }
}
$cargo = Get-Content -LiteralPath (Join-Path $repo 'Cargo.toml') -Raw
$version = [regex]::Match($cargo, '(?m)^version\s*=\s*"([^"]+)"').Groups[1].Value
$data = Import-PowerShellDataFile -LiteralPath (Join-Path $Module 'Mimecast.psd1')
if ($data.ModuleVersion -ne $version) { throw "module version $($data.ModuleVersion) is not Cargo.toml's $version" }

# Folder repository + zip.
New-Item -ItemType Directory -Path $Repository -Force | Out-Null
$name = 'mimecast-dist-' + [guid]::NewGuid().ToString('n').Substring(0, 8)
Register-PSResourceRepository -Name $name -Uri $Repository -Trusted
try { Publish-PSResource -Path $Module -Repository $name }
finally { Unregister-PSResourceRepository -Name $name }
Compress-Archive -Path $Module -DestinationPath $Zip -Force
Write-Host ('dist: module {0} published to {1}, zipped to {2}' -f $version, $Repository, $Zip)
