# Tab completion, format views, and secrets never displayed.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    function Get-Completion([string] $Line) {
        @((TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches | ForEach-Object CompletionText)
    }
}

AfterAll {
    Disconnect-Mimecast
}

Describe 'Argument completion' {
    BeforeAll {
        $header = Get-Content -LiteralPath (Join-Path $Repo 'include/mimecast.h') -Raw
        $api1 = @([regex]::Match($header, 'or a region name: ([a-z, ]+)\.').Groups[1].Value -split ',\s*')
        $api2 = @([regex]::Match($header, 'a region name \(([a-z, ]+)\)').Groups[1].Value -split ',\s*')
    }

    It 'completes -BaseUrl with the API 1.0 region names documented in include/mimecast.h' {
        $api1.Count | Should -BeGreaterOrEqual 9
        Get-Completion 'Connect-Mimecast -BaseUrl ' | Should -Be $api1
        Get-Completion 'Connect-Mimecast -BaseUrl us' | Should -Be @('us', 'usb', 'uspcom')
        Get-Completion 'Connect-Mimecast -BaseUrl https://eu' | Should -Be @('eu')
    }

    It 'completes -BaseUrl with the API 2.0 region names once -ClientId is given' {
        $api2.Count | Should -Be 3
        Get-Completion 'Connect-Mimecast -ClientId x -BaseUrl ' | Should -Be $api2
    }

    It 'completes only names the library accepts' {
        foreach ($name in (Get-Completion 'Connect-Mimecast -BaseUrl ')) {
            $c = [Mimecast.MimecastClient]::new($name, 'a', 'b', 'c', 'AAAA')
            $c.Dispose()
        }
        foreach ($name in (Get-Completion 'Connect-Mimecast -ClientId x -BaseUrl ')) {
            $c = [Mimecast.MimecastClient]::ForOAuth('id', 'secret', $name)
            $c.Dispose()
        }
    }

    It 'completes -Path of Invoke-MimecastApi and Get-MimecastAuthHeader with known endpoints' {
        Get-Completion 'Invoke-MimecastApi -Path /api/acc' | Should -Contain '/api/account/get-account'
        Get-Completion 'Invoke-MimecastApi /api/audit/' | Should -Be @('/api/audit/get-audit-events', '/api/audit/get-siem-logs')
        $groups = Get-Completion 'Get-MimecastAuthHeader -Path group-mem'
        $groups | Should -Contain '/api/directory/add-group-member'
        $groups | Should -Contain '/api/directory/remove-group-member'
        Get-Completion 'Invoke-MimecastApi -Path /nothing/like/this' | Should -BeNullOrEmpty
    }
}

Describe 'Format views' {
    BeforeAll {
        Reset-Emulator
        $connection = Connect-TestEmulator -Extra @{ PassThru = $true }
        $account = Get-MimecastAccount
        $signing = @{ Path = '/api/account/get-account'; ApplicationId = $Keys.AppId; ApplicationKey = $Keys.AppKey; AccessKey = $Keys.AccessKey; SecretKey = (ConvertTo-TestSecureString $Keys.SecretKey) }
        $headers = Get-MimecastAuthHeader @signing
        $signature = ($headers['Authorization'] -split ':')[1]
    }

    It 'defines list and table views for accounts, a table for connections, list and table for headers' {
        @((Get-FormatData -TypeName Mimecast.Account).FormatViewDefinition.Control | ForEach-Object { $_.GetType().Name }) | Should -Be @('ListControl', 'TableControl')
        @((Get-FormatData -TypeName Mimecast.Connection).FormatViewDefinition.Control | ForEach-Object { $_.GetType().Name }) | Should -Be @('TableControl')
        @((Get-FormatData -TypeName Mimecast.AuthHeader).FormatViewDefinition.Control | ForEach-Object { $_.GetType().Name }) | Should -Be @('ListControl', 'TableControl')
    }

    It 'shows an account as a list by default and as a table with Format-Table, never the passphrase' {
        $list = $account | Out-String
        $list | Should -Match 'AccountCode\s+: CUSA12A345'
        $table = $account | Format-Table | Out-String
        $table | Should -Match 'AccountName\s+AccountCode\s+Region\s+UserCount\s+AdminEmail'
        foreach ($text in $list, $table, ($account | Format-List | Out-String)) { $text | Should -Not -BeLike '*Ventilator-Harbour-42*' }
    }

    It 'shows a connection as a table without any key' {
        $text = $connection | Out-String
        $text | Should -Match 'Api\s+Source\s+BaseUrl\s+ConnectedAt'
        $text | Should -BeLike "*1.0*Keys*$Url*"
        Assert-NoSecret $text
    }

    It 'never displays the Authorization value of Get-MimecastAuthHeader''s object, whatever the view' {
        $shown = @(
            ($headers | Out-String)
            ($headers | Format-List | Out-String)
            ($headers | Format-Table | Out-String)
            ($headers | Format-List * | Out-String)
            ($headers | Format-Table * | Out-String -Width 500)
            ($headers | Select-Object * | Out-String)
            "$headers"
            $headers.ToString()
        )
        foreach ($text in $shown) {
            $text | Should -Not -BeLike "*$($Keys.AccessKey)*"
            $text | Should -Not -BeLike "*$signature*"
        }
        $shown[0] | Should -BeLike '*Authorization*MC <redacted>*'
        $shown[0] | Should -BeLike "*x-mc-date*$($headers['x-mc-date'])*"
    }

    It 'still holds the real value for Invoke-RestMethod -Headers and for reading it on purpose' {
        $headers['Authorization'] | Should -BeLike "MC $($Keys.AccessKey):*"
        $headers.Authorization | Should -Be $headers['Authorization']
        $headers['authorization'] | Should -Be $headers['Authorization'] -Because 'names are case-insensitive like a hashtable'
        $fresh = Get-MimecastAuthHeader -Path '/api/account/get-account'
        $r = Invoke-RestMethod -NoProxy -Method Post -Uri "$Url/api/account/get-account" -Headers $fresh -Body '{"data":[]}'
        $r.data[0].accountCode | Should -Be 'CUSA12A345'
    }
}
