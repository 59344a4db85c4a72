# What the compiled cmdlets add: non-terminating errors (-ErrorAction, -ErrorVariable), -WhatIf/-Confirm, pipeline
# input, per-session connections, and the error category table.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $importModule = "Import-Module '$(Join-Path $ModuleDir 'Mimecast.psd1')'"
    $connectScript = "Connect-Mimecast -BaseUrl '$Url' -ApplicationId '$($Keys.AppId)' -ApplicationKey '$($Keys.AppKey)' -AccessKey '$($Keys.AccessKey)' -SecretKey (ConvertTo-SecureString '$($Keys.SecretKey)' -AsPlainText -Force)"
}

AfterAll {
    Disconnect-Mimecast
}

Describe 'Errors are non-terminating' {
    BeforeEach {
        Reset-Emulator
        Connect-TestEmulator -Extra @{ MaxRetries = 0 }
        $Error.Clear()
    }

    It '-ErrorAction SilentlyContinue silences a failure, and -ErrorVariable gets exactly one record' {
        Add-EmulatorFault @{ fault = 'unauthorized' }
        $threw = $false
        try { $out = Get-MimecastAccount -ErrorAction SilentlyContinue -ErrorVariable ev } catch { $threw = $true }
        $threw | Should -BeFalse
        $out | Should -BeNullOrEmpty
        @($ev).Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -Be (Get-TestErrorId 'Mimecast.Unauthorized' 'Get-MimecastAccount')
        $ev[0].CategoryInfo.Category | Should -Be 'AuthenticationError'
        @($Error).Count | Should -Be 1
    }

    It '-ErrorAction Ignore leaves nothing in $Error' {
        Add-EmulatorFault @{ fault = 'unauthorized' }
        Get-MimecastAccount -ErrorAction Ignore
        @($Error).Count | Should -Be 0
    }

    It 'with the default Continue, a script goes on after the failure (the error is written, not thrown)' {
        Add-EmulatorFault @{ fault = 'server_error' }
        $r = Invoke-TestPwsh -Script "$importModule; $connectScript -MaxRetries 0; Get-MimecastAccount; 'still running'; exit 3"
        $r.ExitCode | Should -Be 3
        ($r.Output -join "`n") | Should -BeLike '*still running*'
        ($r.Output -join "`n") | Should -BeLike '*HTTP 500*'
    }

    It '-ErrorAction Stop turns it into a terminating error with the same record' {
        Add-EmulatorFault @{ fault = 'rate_limited'; reset_ms = 200 }
        { Get-MimecastAccount -ErrorAction Stop } | Should -Throw -ErrorId (Get-TestErrorId 'Mimecast.RateLimited' 'Get-MimecastAccount')
    }

    It 'writes one record per failed pipeline input and sends the others' {
        Add-EmulatorFault @{ fault = 'api_fail'; code = 'err_validation_blank'; message = 'Value cannot be blank' }
        $items = @(@{ n = 1 }, @{ n = 2 }, @{ n = 3 } | Invoke-MimecastApi -Path /api/x/bulk -ErrorAction SilentlyContinue -ErrorVariable ev)
        @($ev).Count | Should -Be 1
        $ev[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $ev[0].Exception.ErrorCode | Should -Be 'err_validation_blank'
        $items.Count | Should -Be 2
        $items.echo.n | Should -Be @(2, 3)
        (Get-EmulatorStats).requests | Should -Be 3
    }

    It 'is terminating when nothing can proceed (not connected), even with -ErrorAction SilentlyContinue' {
        Disconnect-Mimecast
        { Get-MimecastAccount -ErrorAction SilentlyContinue } | Should -Throw -ErrorId (Get-TestErrorId 'Mimecast.NotConnected' 'Get-MimecastAccount')
        { Invoke-MimecastApi -Path /api/x -ErrorAction SilentlyContinue } | Should -Throw -ErrorId (Get-TestErrorId 'Mimecast.NotConnected' 'Invoke-MimecastApi')
        { Get-MimecastAuthHeader -Path /api/x -ErrorAction SilentlyContinue } | Should -Throw -ErrorId (Get-TestErrorId 'Mimecast.NotConnected' 'Get-MimecastAuthHeader')
    }

    It 'a failed Connect-Mimecast is non-terminating and leaves no connection (the previous client is disposed)' {
        $first = Connect-TestEmulator -Extra @{ PassThru = $true }
        Connect-Mimecast -BaseUrl atlantis -ApplicationId a -ApplicationKey b -AccessKey c -SecretKey (ConvertTo-TestSecureString 'AAAA') -ErrorAction SilentlyContinue -ErrorVariable ev
        @($ev).Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -Be (Get-TestErrorId 'Mimecast.InvalidUrl' 'Connect-Mimecast')
        $first.Client.IsDisposed | Should -BeTrue
        { Get-MimecastAccount } | Should -Throw -ErrorId (Get-TestErrorId 'Mimecast.NotConnected' 'Get-MimecastAccount')
    }

    It 'reports a disposed -Client as a non-terminating ClientDisposed error' {
        $c = Connect-TestEmulator -Extra @{ PassThru = $true }
        Disconnect-Mimecast
        Get-MimecastAccount -Client $c.Client -ErrorAction SilentlyContinue -ErrorVariable ev
        $ev[0].FullyQualifiedErrorId | Should -Be (Get-TestErrorId 'Mimecast.ClientDisposed' 'Get-MimecastAccount')
        $ev[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
        $ev[0].ToString() | Should -BeLike '*Connect-Mimecast*'
    }
}

Describe 'Error categories come from the C# library''s exception types' {
    BeforeAll {
        $errorRecords = [Mimecast.Commands.MimecastCmdlet].Assembly.GetType('Mimecast.Commands.ErrorRecords', $true)
        $table = @($errorRecords.GetField('Categories', [System.Reflection.BindingFlags]'NonPublic, Static').GetValue($null))
        $categoryOf = $errorRecords.GetMethod('CategoryOf', [System.Reflection.BindingFlags]'NonPublic, Static')
    }

    It 'has a row for every public exception type of Mimecast.dll' {
        $libraryTypes = @([Mimecast.MimecastException].Assembly.GetExportedTypes() | Where-Object { [Mimecast.MimecastException].IsAssignableFrom($_) })
        $libraryTypes.Count | Should -BeGreaterThan 5
        $rows = @($table | ForEach-Object { $_.Item1 })
        foreach ($t in $libraryTypes) { $rows | Should -Contain $t -Because "$($t.Name) needs an ErrorCategory" }
    }

    It 'lists derived types before their bases (the first match wins)' {
        for ($i = 0; $i -lt $table.Count; $i++) {
            for ($j = $i + 1; $j -lt $table.Count; $j++) {
                $table[$i].Item1.IsAssignableFrom($table[$j].Item1) | Should -BeFalse -Because "$($table[$j].Item1.Name) would never match after $($table[$i].Item1.Name)"
            }
        }
    }

    It 'maps statuses the type alone does not distinguish' {
        $categoryOf.Invoke($null, @([Mimecast.MimecastApiException]::new('HttpError', 'x', 503, $null, $null))) | Should -Be 'ResourceUnavailable'
        $categoryOf.Invoke($null, @([Mimecast.MimecastApiException]::new('HttpError', 'x', 404, $null, $null))) | Should -Be 'InvalidResult'
        $categoryOf.Invoke($null, @([Mimecast.MimecastConfigurationException]::new('IO', 'x'))) | Should -Be 'ReadError'
        $categoryOf.Invoke($null, @([Mimecast.MimecastException]::new('Unsupported', 'x', 0, $null, $null))) | Should -Be 'NotImplemented'
    }
}

Describe '-WhatIf and -Confirm' {
    BeforeEach {
        Reset-Emulator
        Connect-TestEmulator
    }

    It 'Invoke-MimecastApi supports ShouldProcess with ConfirmImpact Medium; the read-only commands do not' {
        $attr = (Get-Command Invoke-MimecastApi).ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0]
        $attr.SupportsShouldProcess | Should -BeTrue
        $attr.ConfirmImpact | Should -Be 'Medium'
        (Get-Command Invoke-MimecastApi).Parameters.Keys | Should -Contain 'WhatIf'
        foreach ($name in 'Get-MimecastAccount', 'Get-MimecastAuthHeader') { (Get-Command $name).Parameters.Keys | Should -Not -Contain 'WhatIf' }
    }

    It '-WhatIf sends nothing, for one call and for every piped object' {
        $out = @(Invoke-MimecastApi -Path /api/directory/add-group-member -Data @{ id = 'g1'; emailAddress = 'a@example.com' } -WhatIf)
        $out.Count | Should -Be 0
        @(@{ n = 1 }, @{ n = 2 } | Invoke-MimecastApi -Path /api/x -WhatIf).Count | Should -Be 0
        @(Invoke-MimecastApi -Path /api/audit/get-audit-events -All -WhatIf).Count | Should -Be 0
        (Get-EmulatorStats).requests | Should -Be 0
    }

    It '-WhatIf says which request would be sent, with property names but no values' {
        $r = Invoke-TestPwsh -Script "$importModule; $connectScript; Invoke-MimecastApi -Path /api/directory/add-group-member -Data @{ emailAddress = 'secret-value@example.com' } -WhatIf"
        $r.ExitCode | Should -Be 0 -Because ($r.Output -join "`n")
        $text = $r.Output -join "`n"
        $text | Should -BeLike '*What if*POST with 1 data item (emailAddress)*/api/directory/add-group-member*'
        $text | Should -Not -BeLike '*secret-value*'
        (Get-EmulatorStats).requests | Should -Be 0
    }

    It '-Confirm asks; "N" sends nothing and "Y" sends the request' {
        $script = "$importModule; $connectScript; Invoke-MimecastApi -Path /api/directory/add-group-member -Data @{ n = 1 } -Confirm | ForEach-Object { 'sent ' + `$_.path }"
        $no = Invoke-TestPwsh -Script $script -InputLines 'N' -Interactive
        ($no.Output -join "`n") | Should -BeLike '*Are you sure you want to perform this action?*'
        (Get-EmulatorStats).requests | Should -Be 0
        $yes = Invoke-TestPwsh -Script $script -InputLines 'Y' -Interactive
        ($yes.Output -join "`n") | Should -BeLike '*sent /api/directory/add-group-member*'
        (Get-EmulatorStats).requests | Should -Be 1
    }

    It 'does not ask with the default $ConfirmPreference (High), asks at Medium, and -Confirm:$false overrides it' {
        Invoke-MimecastApi -Path /api/x/one | Should -Not -BeNullOrEmpty
        (Get-EmulatorStats).requests | Should -Be 1
        $ConfirmPreference = 'Medium'
        # This test process is non-interactive: asking fails instead of prompting, and nothing is sent.
        { Invoke-MimecastApi -Path /api/x/two } | Should -Throw '*NonInteractive*'
        (Get-EmulatorStats).requests | Should -Be 1
        Invoke-MimecastApi -Path /api/x/three -Confirm:$false | Should -Not -BeNullOrEmpty
        (Get-EmulatorStats).requests | Should -Be 2
    }
}

Describe 'Pipeline input' {
    BeforeEach {
        Reset-Emulator
        Connect-TestEmulator
    }

    It 'Import-Csv | Invoke-MimecastApi -Path: one request per row, the row''s columns as data' {
        $csv = Join-Path $TestDrive 'members.csv'
        "id,emailAddress`ng1,ann@example.com`ng1,bob@example.com`ng2,c$([char]0xE4)t@example.com" | Set-Content -LiteralPath $csv -Encoding utf8
        $items = @(Import-Csv -LiteralPath $csv | Invoke-MimecastApi -Path /api/directory/add-group-member)
        $items.Count | Should -Be 3
        (Get-EmulatorStats).requests | Should -Be 3
        $items[0].path | Should -Be '/api/directory/add-group-member'
        @($items[0].echo).Count | Should -Be 1
        $items[0].echo[0].id | Should -Be 'g1'
        $items[0].echo[0].emailAddress | Should -Be 'ann@example.com'
        $items[2].echo[0].emailAddress | Should -BeExactly "c$([char]0xE4)t@example.com"
    }

    It 'takes hashtables and objects by value' {
        $items = @(@{ q = 'a' }, [pscustomobject]@{ q = 'b'; when = [datetime]::new(2015, 11, 16, 14, 49, 18, [DateTimeKind]::Utc) } | Invoke-MimecastApi -Path /api/x/by-value)
        $items.echo.q | Should -Be @('a', 'b')
        $items[1].echo[0].when | Should -Be '2015-11-16T14:49:18+0000'
    }

    It 'objects bringing Path (and optionally Data) describe whole requests when -Path is not on the command line' {
        $items = @(
            [pscustomobject]@{ Path = '/api/a/one'; Data = @{ q = 1 } }
            [pscustomobject]@{ Path = '/api/a/two' }
        ) | Invoke-MimecastApi
        $items.path | Should -Be @('/api/a/one', '/api/a/two')
        $items[0].echo[0].q | Should -Be 1
        @($items[1].echo).Count | Should -Be 0 -Because 'an object without Data sends {"data":[]}'
    }

    It 'Get-MimecastAuthHeader takes paths by value and by property name' {
        $h = @('/api/a', '/api/b' | Get-MimecastAuthHeader)
        $h.Count | Should -Be 2
        $h[0]['x-mc-req-id'] | Should -Not -Be $h[1]['x-mc-req-id']
        @([pscustomobject]@{ Path = '/api/c' } | Get-MimecastAuthHeader).Count | Should -Be 1
    }

    It 'Get-MimecastAccount takes the Client of piped connections' {
        $one = Connect-TestEmulator -Extra @{ PassThru = $true }
        $two = Connect-TestEmulator -BaseUrl $TlsUrl -Extra @{ PassThru = $true; CaBundle = (Join-Path $Repo 'tests/tls/ca.pem') }
        $accounts = @($one, $two | Get-MimecastAccount -ErrorAction SilentlyContinue -ErrorVariable ev)
        # Connecting again disposed the first client: one error for it, one account from the second.
        @($ev).Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -Be (Get-TestErrorId 'Mimecast.ClientDisposed' 'Get-MimecastAccount')
        $accounts.Count | Should -Be 1
        $accounts[0].AccountCode | Should -Be 'CUSA12A345'
    }
}

Describe 'Connections belong to one session (runspace)' {
    It 'a new runspace of the same process is not connected' {
        Connect-TestEmulator
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$(Join-Path $ModuleDir 'Mimecast.psd1')'; try { Get-MimecastAccount; 'connected' } catch { `$_.FullyQualifiedErrorId }")
            $result = @($ps.Invoke())
        }
        finally { $ps.Dispose() }
        $result[-1] | Should -Be (Get-TestErrorId 'Mimecast.NotConnected' 'Get-MimecastAccount')
        (Get-MimecastAccount).AccountCode | Should -Be 'CUSA12A345'
    }

    It 'Remove-Module disposes the session''s connection (its keys are wiped)' {
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$(Join-Path $ModuleDir 'Mimecast.psd1')'; `$c = Connect-Mimecast -BaseUrl eu -ApplicationId a -ApplicationKey b -AccessKey c -SecretKey (ConvertTo-SecureString AAAA -AsPlainText -Force) -PassThru; `$c.Client.IsDisposed; Remove-Module Mimecast; `$c.Client.IsDisposed")
            $result = @($ps.Invoke())
        }
        finally { $ps.Dispose() }
        $result | Should -Be @($false, $true)
    }
}

Describe 'Items from the library''s parsed JSON' {
    BeforeAll { Connect-TestEmulator }

    It 'keeps JSON types: integers Int64, 30.0 Double, huge integers BigInteger, negative, strings (dates too) as text' {
        $body = '{"data":[{"i":30,"f":30.0,"big":123456789012345678901234567890,"neg":-5,"s":"30","d":"2024-01-01T00:00:00Z","n":null,"b":true,"o":{"a":[1,{"x":"y"}]}}]}'
        $e = (Invoke-MimecastApi -Path /api/x/types -Body $body).echo[0]
        $e.i | Should -BeOfType ([long]); $e.i | Should -Be 30
        $e.f | Should -BeOfType ([double]); $e.f | Should -Be 30
        $e.big | Should -BeGreaterThan 1.2e29 -Because 'a huge integer stays a number (the core may hand it over as a double)'
        $e.neg | Should -Be -5
        $e.s | Should -BeOfType ([string]); $e.s | Should -Be '30'
        $e.d | Should -BeOfType ([string])
        $e.n | Should -BeNullOrEmpty
        $e.b | Should -BeTrue
        $e.o.a[1].x | Should -Be 'y'
    }

    It 'converts JSON numbers as documented: long, BigInteger beyond long, double with a fraction' {
        $items = [Mimecast.Commands.MimecastCmdlet].Assembly.GetType('Mimecast.Commands.JsonItems', $true)
        $toObject = $items.GetMethod('ToObject', [System.Reflection.BindingFlags]'NonPublic, Static')
        $doc = [System.Text.Json.JsonDocument]::Parse('[30, 30.0, 123456789012345678901234567890, -5, 1e400, "x"]')
        try {
            $values = $toObject.Invoke($null, [object[]]@($doc.RootElement))
            $values[0] | Should -BeOfType ([long])
            $values[1] | Should -BeOfType ([double])
            $values[2] | Should -BeOfType ([System.Numerics.BigInteger])
            $values[2].ToString() | Should -Be '123456789012345678901234567890'
            $values[3] | Should -Be -5
            $values[4] | Should -Be '1e400' -Because 'a number beyond double keeps its text rather than failing the response'
            $values[5] | Should -Be 'x'
        }
        finally { $doc.Dispose() }
    }

    It 'refuses -Data nested deeper than 20 levels, without sending anything' {
        Reset-Emulator
        $deep = @{ v = 1 }
        for ($i = 0; $i -lt 25; $i++) { $deep = @{ inner = $deep } }
        Invoke-MimecastApi -Path /api/x/deep -Data $deep -ErrorAction SilentlyContinue -ErrorVariable ev
        $ev[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $ev[0].ToString() | Should -BeLike '*deeper than 20*'
        (Get-EmulatorStats).requests | Should -Be 0
    }
}
