# The packaged module: where it is imported from, its manifest, its help, and a fresh process using the copy.
BeforeDiscovery {
    $manifestData = Import-PowerShellDataFile -Path (Join-Path $env:MIMECAST_TEST_MODULE_DIR 'Mimecast.psd1')
    $commandCases = @($manifestData.CmdletsToExport | ForEach-Object { @{ Name = $_ } })
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
        [Mimecast.Commands.MimecastCmdlet].Assembly.Location | Should -Be (Join-Path $ModuleDir 'lib/Mimecast.PowerShell.dll')
        [Mimecast.MimecastClient]::NativeLibraryPath | Should -BeLike (Join-Path $ModuleDir 'lib/*')
        [Mimecast.MimecastClient]::NativeVersion | Should -Be $cargoVersion
    }

    It 'has a valid manifest (Test-ModuleManifest)' {
        $info = Test-ModuleManifest -Path $manifestPath -ErrorAction Stop
        $info.Name | Should -Be 'Mimecast'
    }

    It 'has ModuleVersion equal to Cargo.toml, written by the build (the source manifest holds none)' {
        $cargoVersion | Should -Match '^\d+\.\d+\.\d+'
        $manifest.ModuleVersion | Should -Be $cargoVersion
        (Import-PowerShellDataFile -Path (Join-Path $Repo 'bindings/powershell/Mimecast/Mimecast.psd1')).ModuleVersion | Should -Be '0.0.0'
        (Get-Module -Name Mimecast).Version.ToString() | Should -Be $cargoVersion
        [Mimecast.Commands.MimecastCmdlet].Assembly.GetName().Version.ToString() | Should -Be "$cargoVersion.0"
    }

    It 'declares Core and Desktop, PowerShell 5.1, .NET Framework 4.7.2, and explicit exports (cmdlets only)' {
        @($manifest.CompatiblePSEditions) | Should -Be @('Core', 'Desktop')
        $manifest.PowerShellVersion | Should -Be '5.1'
        $manifest.DotNetFrameworkVersion | Should -Be '4.7.2'
        $manifest.RootModule | Should -Be 'lib/Mimecast.PowerShell.dll'
        @($manifest.CmdletsToExport).Count | Should -Be 7
        @($manifest.FunctionsToExport).Count | Should -Be 0
        @($manifest.VariablesToExport).Count | Should -Be 0
        @($manifest.AliasesToExport).Count | Should -Be 0
        $manifest.GUID | Should -Match '^[0-9a-f-]{36}$'
        $manifest.Author | Should -Not -BeNullOrEmpty
        $manifest.Description | Should -Not -BeNullOrEmpty
        foreach ($f in $manifest.CmdletsToExport) { $f | Should -Not -Match '\*' }
    }

    It 'has a proper copyright, release notes, and the project URLs when Cargo.toml names the repository' {
        $manifest.Copyright | Should -Match '^Copyright \(c\) \d{4} '
        $manifest.PrivateData.PSData.ReleaseNotes | Should -Not -BeNullOrEmpty
        $repository = [regex]::Match($cargo, '(?m)^repository\s*=\s*"([^"]+)"').Groups[1].Value
        if ($repository) {
            $manifest.PrivateData.PSData.ProjectUri | Should -Be $repository.TrimEnd('/')
            $manifest.PrivateData.PSData.LicenseUri | Should -BeLike "$($repository.TrimEnd('/'))/*LICENSE*"
        }
        else {
            $manifest.PrivateData.PSData.ContainsKey('ProjectUri') | Should -BeFalse -Because 'no URL is invented when Cargo.toml has none'
        }
    }

    It 'carries the licence texts that exist at the repository root' {
        foreach ($licence in 'LICENSE-MIT', 'LICENSE-APACHE') {
            $inRepo = Join-Path $Repo $licence
            (Test-Path -LiteralPath (Join-Path $ModuleDir $licence)) | Should -Be (Test-Path -LiteralPath $inRepo)
            if (Test-Path -LiteralPath $inRepo) {
                (Get-FileHash (Join-Path $ModuleDir $licence)).Hash | Should -Be (Get-FileHash $inRepo).Hash
            }
        }
    }

    It 'exports exactly the cmdlets the manifest lists, compiled' {
        $exported = @((Get-Module -Name Mimecast).ExportedCommands.Keys | Sort-Object)
        $exported | Should -Be @($manifest.CmdletsToExport | Sort-Object)
        $exported.Count | Should -Be 7
        foreach ($c in (Get-Module -Name Mimecast).ExportedCommands.Values) {
            $c.CommandType | Should -Be 'Cmdlet'
            $c.ImplementingType.Assembly.GetName().Name | Should -Be 'Mimecast.PowerShell'
        }
    }

    It 'is built against PowerShell Standard, not a PowerShell 7 assembly, and ships no System.Management.Automation' {
        $sma = [Mimecast.Commands.MimecastCmdlet].Assembly.GetReferencedAssemblies() | Where-Object Name -eq 'System.Management.Automation'
        $sma.Version | Should -Be ([version]'3.0.0.0')
        Test-Path -LiteralPath (Join-Path $ModuleDir 'lib/System.Management.Automation.dll') | Should -BeFalse
        $framework = [Mimecast.Commands.MimecastCmdlet].Assembly.GetCustomAttributes([System.Runtime.Versioning.TargetFrameworkAttribute], $false)
        $framework.FrameworkName | Should -Be '.NETStandard,Version=v2.0'
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
}

Describe 'Publishing' {
    It 'is a valid module for Publish-PSResource, and the saved copy imports by name in a clean pwsh' {
        $feed = Join-Path $TestDrive 'feed'
        $saved = Join-Path $TestDrive 'saved'
        New-Item -ItemType Directory -Path $feed, $saved | Out-Null
        $name = 'MimecastTest' + [guid]::NewGuid().ToString('N').Substring(0, 8)
        Register-PSResourceRepository -Name $name -Uri $feed -Trusted
        try {
            Publish-PSResource -Path $ModuleDir -Repository $name -ErrorAction Stop
            Save-PSResource -Name Mimecast -Repository $name -Path $saved -TrustRepository -ErrorAction Stop
        }
        finally { Unregister-PSResourceRepository -Name $name }
        $r = Invoke-TestPwsh -Script "`$env:PSModulePath = '$saved'; Import-Module Mimecast; (Get-Module Mimecast).Version.ToString(); @(Get-Command -Module Mimecast).Count; [Mimecast.MimecastClient]::NativeVersion"
        $r.ExitCode | Should -Be 0 -Because ($r.Output -join "`n")
        $r.Output | Should -Be @($cargoVersion, '7', $cargoVersion)
    }
}

Describe 'Help shows what users have today' {
    It 'Get-Help <Command> has the synopsis, a described parameter and the example' -ForEach @(
        @{ Command = 'Connect-Mimecast'; Parameter = 'BaseUrl'; Says = '*region name*eu, de, us*'; Example = 'Connect-Mimecast -BaseUrl eu -ApplicationId $appId -ApplicationKey $appKey -AccessKey $accessKey -SecretKey $secret' }
        @{ Command = 'Get-MimecastAccount'; Parameter = 'Client'; Says = '*instead of the connection*'; Example = 'Get-MimecastAccount | Select-Object AccountName, AccountCode, UserCount, Packages' }
        @{ Command = 'Invoke-MimecastApi'; Parameter = 'Data'; Says = '*{"data": `[ ... `]}*'; Example = "Invoke-MimecastApi -Path /api/directory/find-groups -Data @{ query = 'sales' }" }
        @{ Command = 'Get-MimecastAuthHeader'; Parameter = 'Date'; Says = '*Tue, 24 Nov 2015 12:50:11 UTC*'; Example = "Invoke-RestMethod -Method Post -Uri (`$baseUrl + `$uri) -Headers `$headers -Body '{`"data`":[]}'" }
        @{ Command = 'Disconnect-Mimecast'; Parameter = $null; Says = $null; Example = 'try { Get-MimecastAccount } finally { Disconnect-Mimecast }' }
        @{ Command = 'Get-MimecastSiemEvent'; Parameter = 'Checkpoint'; Says = '*saved after each acknowledged batch*'; Example = 'Get-MimecastSiemEvent -Kind Batch -Checkpoint ./batch.checkpoint | Select-Object -First 10' }
        @{ Command = 'Find-MimecastRegion'; Parameter = 'EmailAddress'; Says = '*email address of the account*'; Example = 'Find-MimecastRegion -EmailAddress admin@example.com' }
        @{ Command = 'Invoke-MimecastApi'; Parameter = 'OutFile'; Says = '*byte for byte*'; Example = '$file = Invoke-MimecastApi -Path /api/audit/get-siem-logs -Data $data -OutFile "siem-$n.zip"' }
    ) {
        $full = Get-Help -Name $Command -Full | Out-String -Width 400
        $full | Should -BeLike "*SYNOPSIS*$((Get-Help -Name $Command).Synopsis.Trim())*"
        if ($Parameter) { (Get-Help -Name $Command -Parameter $Parameter | Out-String -Width 400) | Should -BeLike $Says }
        $examples = (Get-Help -Name $Command -Examples).Examples.Example.Code -join "`n"
        $examples.Contains($Example) | Should -BeTrue -Because "the example '$Example' must stay in the help"
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

    It 'is a compiled cmdlet whose help comes from the module''s MAML file' {
        $command.CommandType | Should -Be 'Cmdlet'
        Split-Path -Leaf $command.HelpFile | Should -Be 'Mimecast.PowerShell.dll-Help.xml'
        Test-Path -LiteralPath (Join-Path $ModuleDir 'en-US/Mimecast.PowerShell.dll-Help.xml') | Should -BeTrue
    }
}
