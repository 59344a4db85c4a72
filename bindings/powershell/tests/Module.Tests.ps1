# The packaged module: where it is imported from, its manifest, its help, and a fresh process using the copy.
BeforeDiscovery {
    $manifestData = Import-PowerShellDataFile -Path (Join-Path $env:MIMECAST_TEST_MODULE_DIR 'Mimecast.psd1')
    $commandCases = @($manifestData.FunctionsToExport | ForEach-Object { @{ Name = $_ } })
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $manifestPath = Join-Path $ModuleDir 'Mimecast.psd1'
    $manifest = Import-PowerShellDataFile -Path $manifestPath
    $cargo = Get-Content -LiteralPath (Join-Path $Repo 'Cargo.toml') -Raw
    $cargoVersion = [regex]::Match($cargo, '(?m)^version\s*=\s*"([^"]+)"').Groups[1].Value
}

Describe 'Packaged module' {
    It 'is imported from the copied package folder, not from the repository' {
        $module = Get-Module -Name Mimecast
        $module | Should -Not -BeNullOrEmpty
        $module.ModuleBase | Should -Be $ModuleDir
        $module.ModuleBase.StartsWith($Repo) | Should -BeFalse
    }

    It 'loads the .NET library and the native library from inside the package (MIMECAST_LIBRARY unset)' {
        $env:MIMECAST_LIBRARY | Should -BeNullOrEmpty
        [Mimecast.MimecastClient].Assembly.Location | Should -Be (Join-Path $ModuleDir 'lib/Mimecast.dll')
        [Mimecast.MimecastClient]::NativeLibraryPath | Should -BeLike (Join-Path $ModuleDir 'lib/*')
        [Mimecast.MimecastClient]::NativeVersion | Should -Be $cargoVersion
    }

    It 'has a valid manifest (Test-ModuleManifest)' {
        $info = Test-ModuleManifest -Path $manifestPath -ErrorAction Stop
        $info.Name | Should -Be 'Mimecast'
    }

    It 'has ModuleVersion equal to Cargo.toml (packaged and source manifests)' {
        $cargoVersion | Should -Match '^\d+\.\d+\.\d+'
        $manifest.ModuleVersion | Should -Be $cargoVersion
        (Import-PowerShellDataFile -Path (Join-Path $Repo 'bindings/powershell/Mimecast/Mimecast.psd1')).ModuleVersion | Should -Be $cargoVersion
        (Get-Module -Name Mimecast).Version.ToString() | Should -Be $cargoVersion
    }

    It 'declares Core and Desktop, PowerShell 5.1, and explicit empty cmdlet/variable/alias exports' {
        @($manifest.CompatiblePSEditions) | Should -Be @('Core', 'Desktop')
        $manifest.PowerShellVersion | Should -Be '5.1'
        @($manifest.CmdletsToExport).Count | Should -Be 0
        @($manifest.VariablesToExport).Count | Should -Be 0
        @($manifest.AliasesToExport).Count | Should -Be 0
        $manifest.GUID | Should -Match '^[0-9a-f-]{36}$'
        $manifest.Author | Should -Not -BeNullOrEmpty
        $manifest.Description | Should -Not -BeNullOrEmpty
        foreach ($f in $manifest.FunctionsToExport) { $f | Should -Not -Match '\*' }
    }

    It 'exports exactly the functions the manifest lists' {
        $exported = @((Get-Module -Name Mimecast).ExportedCommands.Keys | Sort-Object)
        $exported | Should -Be @($manifest.FunctionsToExport | Sort-Object)
        $exported.Count | Should -Be 5
    }

    It 'uses approved verbs only' {
        $approved = (Get-Verb).Verb
        foreach ($c in (Get-Module -Name Mimecast).ExportedCommands.Values) {
            $approved | Should -Contain $c.Verb
        }
    }

    It 'works from the copy in a fresh pwsh process (import, Connect-Mimecast -FromEnvironment, Get-MimecastAccount)' {
        $pwsh = $env:MIMECAST_TEST_PWSH
        if (-not $pwsh) { $pwsh = 'pwsh' }
        $script = @'
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $env:MIMECAST_TEST_MODULE_DIR 'Mimecast.psd1')
Connect-Mimecast -FromEnvironment
$a = Get-MimecastAccount
[pscustomobject]@{
    ModuleBase  = (Get-Module Mimecast).ModuleBase
    Native      = [Mimecast.MimecastClient]::NativeLibraryPath
    Library     = [Environment]::GetEnvironmentVariable('MIMECAST_LIBRARY')
    AccountName = $a.AccountName
} | ConvertTo-Json -Compress -EscapeHandling EscapeNonAscii
'@
        $saved = @{}
        $vars = @{
            MIMECAST_BASE_URL = $Url; MIMECAST_APP_ID = $Keys.AppId; MIMECAST_APP_KEY = $Keys.AppKey
            MIMECAST_ACCESS_KEY = $Keys.AccessKey; MIMECAST_SECRET_KEY = $Keys.SecretKey; MIMECAST_LIBRARY = $null
        }
        foreach ($k in $vars.Keys) { $saved[$k] = [Environment]::GetEnvironmentVariable($k); [Environment]::SetEnvironmentVariable($k, $vars[$k]) }
        try {
            $out = & $pwsh -NoProfile -NonInteractive -Command $script 2>&1
            $LASTEXITCODE | Should -Be 0 -Because ($out -join "`n")
        }
        finally {
            foreach ($k in $saved.Keys) { [Environment]::SetEnvironmentVariable($k, $saved[$k]) }
        }
        $r = ($out | Select-Object -Last 1) | ConvertFrom-Json
        $r.ModuleBase | Should -Be $ModuleDir
        $r.Native | Should -BeLike (Join-Path $ModuleDir 'lib/runtimes/*/native/*')
        $r.Library | Should -BeNullOrEmpty
        $r.AccountName | Should -Be "Ex$([char]0xE4)mple Corp Ltd"
    }

    It 'can be imported from the source folder of the repository after a build (development fallback)' {
        $pwsh = $env:MIMECAST_TEST_PWSH
        if (-not $pwsh) { $pwsh = 'pwsh' }
        $script = @'
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $env:MIMECAST_TEST_REPO 'bindings/powershell/Mimecast/Mimecast.psd1')
$s = ConvertTo-SecureString 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+Pw==' -AsPlainText -Force
$h = Get-MimecastAuthHeader -Path /api/account/get-account -ApplicationId a -ApplicationKey c2f1c8a0-5d8e-4f5a-9b7c-abcdef012345 -AccessKey k -SecretKey $s -Date 'Tue, 24 Nov 2015 12:50:11 UTC' -RequestId 8c8b2b8e-6d0f-4f3a-9d1e-2a4b6c8d0e1f
[Mimecast.MimecastClient]::NativeLibraryPath
$h.Authorization
'@
        $out = & $pwsh -NoProfile -NonInteractive -Command $script 2>&1
        $LASTEXITCODE | Should -Be 0 -Because ($out -join "`n")
        $out[0] | Should -BeLike '*target/release/libmimecast*'
        $out[1] | Should -Be 'MC k:9hPgT41h/qGge9NgPqRvZYvjAAA='
    }
}

Describe 'examples/powershell/Get-Account.ps1' {
    It 'runs against the emulator and prints the account twice (module and Invoke-RestMethod)' {
        $pwsh = $env:MIMECAST_TEST_PWSH
        if (-not $pwsh) { $pwsh = 'pwsh' }
        $vars = @{
            MIMECAST_BASE_URL = $Url; MIMECAST_APP_ID = $Keys.AppId; MIMECAST_APP_KEY = $Keys.AppKey
            MIMECAST_ACCESS_KEY = $Keys.AccessKey; MIMECAST_SECRET_KEY = $Keys.SecretKey
        }
        $saved = @{}
        foreach ($k in $vars.Keys) { $saved[$k] = [Environment]::GetEnvironmentVariable($k); [Environment]::SetEnvironmentVariable($k, $vars[$k]) }
        try {
            $out = & $pwsh -NoProfile -NonInteractive -File (Join-Path $Repo 'examples/powershell/Get-Account.ps1') -ModulePath (Join-Path $ModuleDir 'Mimecast.psd1') 2>&1
            $LASTEXITCODE | Should -Be 0 -Because ($out -join "`n")
        }
        finally {
            foreach ($k in $saved.Keys) { [Environment]::SetEnvironmentVariable($k, $saved[$k]) }
        }
        $text = $out -join "`n"
        $text | Should -BeLike '*(CUSA12A345): 250 users, region us*'
        ([regex]::Matches($text, 'CUSA12A345')).Count | Should -BeGreaterOrEqual 3
        Assert-NoSecret $text
    }
}

Describe 'Help of <Name>' -ForEach $commandCases {
    BeforeAll {
        $help = Get-Help -Name $Name -Full
        $command = Get-Command -Name $Name -Module Mimecast
        $common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
        $parameterNames = @($command.Parameters.Keys | Where-Object { $common -notcontains $_ })
    }

    It 'has a synopsis and a description' {
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis.Trim() | Should -Not -BeLike "$Name *"   # not the auto-generated syntax line
        ($help.Description | Out-String).Trim() | Should -Not -BeNullOrEmpty
    }

    It 'documents every parameter' {
        foreach ($p in $parameterNames) {
            $ph = @($help.Parameters.Parameter | Where-Object { $_.Name -eq $p })
            $ph.Count | Should -Be 1 -Because "parameter $p must be in the help"
            ($ph[0].Description | Out-String).Trim() | Should -Not -BeNullOrEmpty -Because "parameter $p needs a description"
        }
    }

    It 'has at least two examples with code' {
        @($help.Examples.Example).Count | Should -BeGreaterOrEqual 2
        foreach ($e in $help.Examples.Example) { $e.Code | Should -Not -BeNullOrEmpty }
    }

    It 'has OUTPUTS and LINK sections' {
        ($help.ReturnValues | Out-String).Trim() | Should -Not -BeNullOrEmpty
        @($help.RelatedLinks.NavigationLink).Count | Should -BeGreaterOrEqual 1
    }

    It 'uses [CmdletBinding()]' {
        $command.CmdletBinding | Should -BeTrue
    }
}
