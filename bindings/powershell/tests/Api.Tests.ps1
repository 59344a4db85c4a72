# Connect-Mimecast in all its forms, Get-MimecastAccount and Invoke-MimecastApi against the emulator.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $envNames = 'MIMECAST_BASE_URL', 'MIMECAST_APP_ID', 'MIMECAST_APP_KEY', 'MIMECAST_ACCESS_KEY', 'MIMECAST_SECRET_KEY', 'MIMECAST_CLIENT_ID', 'MIMECAST_CLIENT_SECRET'
    function Clear-MimecastEnvironment { foreach ($n in $envNames) { Remove-Item -Path "Env:$n" -ErrorAction SilentlyContinue } }
}

AfterAll {
    Disconnect-Mimecast
}

Describe 'Get-MimecastAccount' {
    BeforeAll {
        Reset-Emulator
        Connect-TestEmulator
        $account = Get-MimecastAccount
    }

    It 'returns the account with its fields' {
        $account | Should -BeOfType ([Mimecast.Account])
        $account.PSObject.TypeNames | Should -Contain 'Mimecast.Account'
        $account.AccountCode | Should -Be 'CUSA12A345'
        $account.AdminEmail | Should -Be 'it-admin@example.com'
        $account.Region | Should -Be 'us'
        $account.UserCount | Should -Be 250
        $account.MaxRetention | Should -Be 2555
        $account.Archive | Should -BeTrue
        $account.AutomatedSegmentPurge | Should -BeFalse
        $account.MailPlatform | Should -Be 'office_365'
        @($account.Packages).Count | Should -Be 7
        ($account.Json | ConvertFrom-Json).mimecastId | Should -Be '01-0412-12345'
    }

    It 'keeps the non-ASCII account name intact' {
        $account.AccountName | Should -BeExactly "Ex$([char]0xE4)mple Corp Ltd"
    }

    It 'does not display the passphrase by default, but has it as a property' {
        $account.Passphrase | Should -Be 'Ventilator-Harbour-42'
        $shown = ($account | Format-List | Out-String) + ($account | Format-Table | Out-String) + ($account | Out-String)
        $shown | Should -BeLike '*CUSA12A345*'
        $shown | Should -Not -BeLike '*Ventilator-Harbour-42*'
        $shown | Should -Not -BeLike '*Passphrase*'
    }

    It 'uses -Client instead of the connection' {
        Disconnect-Mimecast
        $client = [Mimecast.MimecastClient]::new($Url, $Keys.AppId, $Keys.AppKey, $Keys.AccessKey, $Keys.SecretKey, $null)
        try { (Get-MimecastAccount -Client $client).AccountCode | Should -Be 'CUSA12A345' }
        finally { $client.Dispose() }
    }

    It 'says to run Connect-Mimecast when not connected' {
        Disconnect-Mimecast
        $e = Get-TestErrorRecord { Get-MimecastAccount }
        $e.FullyQualifiedErrorId | Should -Be (Get-TestErrorId 'Mimecast.NotConnected' 'Get-MimecastAccount')
        $e.CategoryInfo.Category | Should -Be 'InvalidOperation'
        $e.Exception.Message | Should -BeLike '*Run Connect-Mimecast*'
        $e.TargetObject | Should -Be '/api/account/get-account'
    }
}

Describe 'Invoke-MimecastApi' {
    BeforeAll {
        Reset-Emulator
        Connect-TestEmulator
    }

    It 'sends -Data as {"data": [...]} and returns the items of data' {
        $items = @(Invoke-MimecastApi -Path '/api/directory/find-groups' -Data @{ query = 'sales'; nested = @{ deep = @(1, 2, 3) } })
        $items.Count | Should -Be 1
        $items[0].PSObject.TypeNames | Should -Contain 'Mimecast.ApiItem'
        $items[0].path | Should -Be '/api/directory/find-groups'
        @($items[0].echo).Count | Should -Be 1
        $items[0].echo[0].query | Should -Be 'sales'
        $items[0].echo[0].nested.deep | Should -Be @(1, 2, 3)
    }

    It 'sends several -Data objects in one data array, and non-ASCII text intact' {
        $items = @(Invoke-MimecastApi -Path '/api/x/y' -Data @(@{ n = 1 }, @{ n = "Gr$([char]0xFC)$([char]0xDF)e" }))
        $items[0].echo.Count | Should -Be 2
        $items[0].echo[1].n | Should -BeExactly "Gr$([char]0xFC)$([char]0xDF)e"
    }

    It 'sends {"data":[]} without -Data, and -Body as given' {
        (Invoke-MimecastApi -Path '/api/x/empty').echo.Count | Should -Be 0
        (Invoke-MimecastApi -Path '/api/x/body' -Body '{"data":[{"raw":true}]}').echo[0].raw | Should -BeTrue
    }

    It 'takes -Path from the pipeline by property name' {
        $items = @([pscustomobject]@{ Path = '/api/a/one' }, [pscustomobject]@{ Path = '/api/a/two' } | Invoke-MimecastApi)
        $items.path | Should -Be @('/api/a/one', '/api/a/two')
    }

    It 'streams the 7 audit events of every page with -All and stops at the last page' {
        Reset-Emulator
        $events = @(Invoke-MimecastApi -Path '/api/audit/get-audit-events' -All -PageSize 3)
        $events.Count | Should -Be 7
        $events.id | Should -Be @(1, 2, 3, 4, 5, 6, 7)
        (Get-EmulatorStats).requests | Should -Be 3
    }

    It 'returns all 7 items with -All and the default page size' {
        @(Invoke-MimecastApi -Path '/api/audit/get-audit-events' -All).Count | Should -Be 7
    }

    It 'returns only the first page with -PageSize alone' {
        @(Invoke-MimecastApi -Path '/api/audit/get-audit-events' -PageSize 2).id | Should -Be @(1, 2)
    }

    It 'fetches no further page once Select-Object -First has enough' {
        Reset-Emulator
        $first = @(Invoke-MimecastApi -Path '/api/audit/get-audit-events' -All -PageSize 2 | Select-Object -First 3)
        $first.id | Should -Be @(1, 2, 3)
        (Get-EmulatorStats).requests | Should -Be 2
    }

    It 'stops with an error on a failing page after streaming the earlier items' {
        Reset-Emulator
        Add-EmulatorFault @{ fault = 'page_fail'; page = 2 }
        $seen = [System.Collections.Generic.List[object]]::new()
        $e = Get-TestErrorRecord { Invoke-MimecastApi -Path '/api/audit/get-audit-events' -All -PageSize 3 | ForEach-Object { $seen.Add($_) } }
        $seen.Count | Should -Be 3
        $e.FullyQualifiedErrorId | Should -Be (Get-TestErrorId 'Mimecast.ApiFailure' 'Invoke-MimecastApi')
        $e.TargetObject | Should -Be '/api/audit/get-audit-events'
    }

    It 'rejects a full URL as -Path with InvalidArgument' {
        $e = Get-TestErrorRecord { Invoke-MimecastApi -Path "$Url/api/account/get-account" }
        $e.FullyQualifiedErrorId | Should -Be (Get-TestErrorId 'Mimecast.InvalidArgument' 'Invoke-MimecastApi')
        $e.CategoryInfo.Category | Should -Be 'InvalidArgument'
    }
}

Describe 'Connect-Mimecast' {
    BeforeEach {
        Reset-Emulator
        Disconnect-Mimecast
    }
    AfterEach {
        Clear-MimecastEnvironment
        Disconnect-Mimecast
        Pop-Location -ErrorAction SilentlyContinue -StackName MimecastTests
    }

    It 'returns nothing by default and a Mimecast.Connection with -PassThru' {
        $none = Connect-TestEmulator
        $none | Should -BeNullOrEmpty
        $c = Connect-TestEmulator -Extra @{ PassThru = $true }
        $c.PSObject.TypeNames | Should -Contain 'Mimecast.Connection'
        $c.Api | Should -Be '1.0'
        $c.Client | Should -BeOfType ([Mimecast.MimecastClient])
        ($c | Out-String) | Should -Not -BeLike "*$($Keys.AccessKey)*"
    }

    It 'disposes the previous client when connecting again' {
        $first = Connect-TestEmulator -Extra @{ PassThru = $true }
        $second = Connect-TestEmulator -Extra @{ PassThru = $true }
        $first.Client.IsDisposed | Should -BeTrue
        $second.Client.IsDisposed | Should -BeFalse
        Disconnect-Mimecast
        $second.Client.IsDisposed | Should -BeTrue
    }

    It 'reads MIMECAST_* variables set with $env: inside PowerShell (-FromEnvironment)' {
        $env:MIMECAST_BASE_URL = $Url
        $env:MIMECAST_APP_ID = $Keys.AppId
        $env:MIMECAST_APP_KEY = $Keys.AppKey
        $env:MIMECAST_ACCESS_KEY = $Keys.AccessKey
        $env:MIMECAST_SECRET_KEY = $Keys.SecretKey
        $c = Connect-Mimecast -FromEnvironment -PassThru
        $c.Source | Should -Be 'Environment'
        (Get-MimecastAccount).AccountCode | Should -Be 'CUSA12A345'
    }

    It 'uses API 2.0 from MIMECAST_CLIENT_ID / MIMECAST_CLIENT_SECRET (-FromEnvironment)' {
        $env:MIMECAST_BASE_URL = $Url
        $env:MIMECAST_CLIENT_ID = $Keys.ClientId
        $env:MIMECAST_CLIENT_SECRET = $Keys.ClientSecret
        $tokensBefore = (Get-EmulatorStats).tokens_issued   # not cleared by the emulator's reset
        $c = Connect-Mimecast -FromEnvironment -PassThru
        $c.Api | Should -Be '2.0'
        (Get-MimecastAccount).AccountCode | Should -Be 'CUSA12A345'
        ((Get-EmulatorStats).tokens_issued - $tokensBefore) | Should -Be 1
    }

    It 'names the missing variable when the environment is incomplete' {
        $env:MIMECAST_BASE_URL = $Url
        $e = Get-TestErrorRecord { Connect-Mimecast -FromEnvironment }
        $e.FullyQualifiedErrorId | Should -Be (Get-TestErrorId 'Mimecast.InvalidArgument' 'Connect-Mimecast')
        $e.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $e.ToString() | Should -BeLike '*MIMECAST_*'
    }

    It 'reads a Postman environment file given by a path relative to the current location' {
        $values = @(
            @{ key = 'baseUrl'; value = $Url; enabled = $true }
            @{ key = 'ApplicationID'; value = $Keys.AppId; enabled = $true }
            @{ key = 'ApplicationKey'; value = $Keys.AppKey; enabled = $true }
            @{ key = 'AccessKey'; value = $Keys.AccessKey; enabled = $true }
            @{ key = 'SecretKey'; value = $Keys.SecretKey; enabled = $true }
        )
        $dir = Join-Path $TestDrive 'postman'
        New-Item -ItemType Directory -Path $dir -Force | Out-Null
        ConvertTo-Json -InputObject @{ name = 'Mimecast'; values = $values } -Depth 5 | Set-Content -LiteralPath (Join-Path $dir 'Mimecast.postman_environment.json') -Encoding utf8
        Push-Location -LiteralPath $dir -StackName MimecastTests
        Connect-Mimecast -PostmanEnvironment './Mimecast.postman_environment.json'
        (Get-MimecastAccount).AccountCode | Should -Be 'CUSA12A345'
    }

    It 'reports an unreadable Postman file as ReadError without secrets' {
        $e = Get-TestErrorRecord { Connect-Mimecast -PostmanEnvironment (Join-Path $TestDrive 'missing.json') }
        $e.FullyQualifiedErrorId | Should -Be (Get-TestErrorId 'Mimecast.IO' 'Connect-Mimecast')
        $e.CategoryInfo.Category | Should -Be 'ReadError'
    }

    It 'takes the access key and secret key as a PSCredential' {
        $cred = [pscredential]::new($Keys.AccessKey, (ConvertTo-TestSecureString $Keys.SecretKey))
        Connect-Mimecast -BaseUrl $Url -ApplicationId $Keys.AppId -ApplicationKey $Keys.AppKey -Credential $cred
        (Get-MimecastAccount).AccountCode | Should -Be 'CUSA12A345'
    }

    It 'connects with API 2.0 -ClientId / -ClientSecret (OAuth) and fetches one token' {
        $tokensBefore = (Get-EmulatorStats).tokens_issued   # not cleared by the emulator's reset
        $c = Connect-Mimecast -BaseUrl $Url -ClientId $Keys.ClientId -ClientSecret (ConvertTo-TestSecureString $Keys.ClientSecret) -PassThru
        $c.Api | Should -Be '2.0'
        (Get-MimecastAccount).AccountCode | Should -Be 'CUSA12A345'
        @(Invoke-MimecastApi -Path '/api/audit/get-audit-events' -All).Count | Should -Be 7
        ((Get-EmulatorStats).tokens_issued - $tokensBefore) | Should -Be 1
    }

    It 'connects with API 2.0 -ClientCredential' {
        $cred = [pscredential]::new($Keys.ClientId, (ConvertTo-TestSecureString $Keys.ClientSecret))
        Connect-Mimecast -BaseUrl $Url -ClientCredential $cred
        (Get-MimecastAccount).AccountCode | Should -Be 'CUSA12A345'
    }

    It 'reports wrong OAuth credentials as AuthenticationError' {
        Connect-Mimecast -BaseUrl $Url -ClientId $Keys.ClientId -ClientSecret (ConvertTo-TestSecureString 'wrong-secret-value')
        $e = Get-TestErrorRecord { Get-MimecastAccount }
        $e.CategoryInfo.Category | Should -Be 'AuthenticationError'
        $e.FullyQualifiedErrorId | Should -Be (Get-TestErrorId 'Mimecast.Unauthorized' 'Get-MimecastAccount')
        $e.ToString().Contains('wrong-secret-value') | Should -BeFalse
    }

    It 'goes through -Proxy' {
        Connect-TestEmulator -Extra @{ Proxy = $ProxyUrl }
        (Get-MimecastAccount).AccountCode | Should -Be 'CUSA12A345'
        $stats = Get-EmulatorStats
        ($stats.proxy_requests + $stats.proxy_tunnels) | Should -BeGreaterOrEqual 1
    }

    It 'connects directly with -Proxy ""' {
        Connect-TestEmulator -Extra @{ Proxy = '' }
        (Get-MimecastAccount).AccountCode | Should -Be 'CUSA12A345'
        $stats = Get-EmulatorStats
        ($stats.proxy_requests + $stats.proxy_tunnels) | Should -Be 0
    }

    It 'rejects an unknown region as InvalidArgument' {
        $e = Get-TestErrorRecord { Connect-TestEmulator -BaseUrl 'atlantis' }
        $e.FullyQualifiedErrorId | Should -Be (Get-TestErrorId 'Mimecast.InvalidUrl' 'Connect-Mimecast')
        $e.CategoryInfo.Category | Should -Be 'InvalidArgument'
    }
}
