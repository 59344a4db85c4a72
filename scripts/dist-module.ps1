<#
.SYNOPSIS
Turns the module folder built by bindings/powershell/build.ps1 into the released module (make dist).

.DESCRIPTION
- native libraries: exactly the stripped linux-x64, linux-arm64 and win-x64 builds, in
  runtimes/<rid>/native/ next to the module's Mimecast.dll, named as the .NET library's loader looks for
  them (libmimecast.so; libmimecast.dll on Windows, where mimecast.dll would be Mimecast.dll itself);
- LICENSE-MIT and LICENSE-APACHE in the module folder;
- manifest metadata from the one source of each fact: ProjectUri (Cargo.toml's repository), LicenseUri,
  ReleaseNotes (CHANGELOG.md's section of this version), a Copyright line;
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

# Where the module keeps Mimecast.dll: its natives go in runtimes/ beside it.
$assembly = Get-ChildItem -LiteralPath $Module -Recurse -File -Filter 'Mimecast.dll' |
    Where-Object { $_.FullName -notmatch '[\\/]runtimes[\\/]' } | Select-Object -First 1
if (-not $assembly) { throw "no Mimecast.dll in $Module" }
$libDir = $assembly.DirectoryName
Get-ChildItem -LiteralPath $Module -Recurse -Directory -Filter 'runtimes' | Remove-Item -Recurse -Force
$layout = @(
    @{ Rid = 'linux-x64'; From = 'linux-x64/libmimecast.so'; Name = 'libmimecast.so' }
    @{ Rid = 'linux-arm64'; From = 'linux-arm64/libmimecast.so'; Name = 'libmimecast.so' }
    @{ Rid = 'win-x64'; From = 'win-x64/mimecast.dll'; Name = 'libmimecast.dll' }
)
foreach ($n in $layout) {
    $dir = Join-Path $libDir ('runtimes/{0}/native' -f $n.Rid)
    New-Item -ItemType Directory -Path $dir -Force | Out-Null
    Copy-Item -LiteralPath (Join-Path $Natives $n.From) -Destination (Join-Path $dir $n.Name)
}
Copy-Item -LiteralPath (Join-Path $repo 'LICENSE-MIT'), (Join-Path $repo 'LICENSE-APACHE') -Destination $Module

# Metadata.
$cargo = Get-Content -LiteralPath (Join-Path $repo 'Cargo.toml') -Raw
$version = [regex]::Match($cargo, '(?m)^version\s*=\s*"([^"]+)"').Groups[1].Value
$url = [regex]::Match($cargo, '(?m)^repository\s*=\s*"([^"]+)"').Groups[1].Value
$changelog = Get-Content -LiteralPath (Join-Path $repo 'CHANGELOG.md') -Raw
$notes = [regex]::Match($changelog, '(?ms)^## \[?' + [regex]::Escape($version) + '\]?[^\n]*\n(.*?)(?=^## |\z)').Groups[1].Value.Trim()
if (-not $notes) { throw "CHANGELOG.md has no section for $version" }
$manifest = Join-Path $Module 'Mimecast.psd1'
Update-PSModuleManifest -Path $manifest -ProjectUri $url -LicenseUri "$url#license" -ReleaseNotes $notes `
    -Copyright 'Copyright (c) 2026 The libmimecast contributors'
$data = Import-PowerShellDataFile -LiteralPath $manifest
if ($data.ModuleVersion -ne $version) { throw "module version $($data.ModuleVersion) is not Cargo.toml's $version" }

# Folder repository + zip.
New-Item -ItemType Directory -Path $Repository -Force | Out-Null
$name = 'mimecast-dist-' + [guid]::NewGuid().ToString('n').Substring(0, 8)
Register-PSResourceRepository -Name $name -Uri $Repository -Trusted
try { Publish-PSResource -Path $Module -Repository $name }
finally { Unregister-PSResourceRepository -Name $name }
Compress-Archive -Path $Module -DestinationPath $Zip -Force
Write-Host ('dist: module {0} published to {1}, zipped to {2}' -f $version, $Repository, $Zip)
