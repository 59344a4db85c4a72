# Get-MimecastAuthHeader against every shared signing vector (tests/vectors/signing.json).
BeforeDiscovery {
    $vectorFile = Join-Path $env:MIMECAST_TEST_REPO 'tests/vectors/signing.json'
    $vectorData = Get-Content -LiteralPath $vectorFile -Raw -Encoding utf8 | ConvertFrom-Json
    $vectorCases = @($vectorData.vectors | ForEach-Object { @{ Vector = $_; Name = $_.name } })
    $invalidCases = @()
    if ($vectorData.PSObject.Properties['invalid']) {
        $invalidCases = @($vectorData.invalid | ForEach-Object { @{ Invalid = $_ } })
    }
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
}

Describe 'Get-MimecastAuthHeader with explicit keys' {
    It 'reproduces vector <Name>' -ForEach $vectorCases {
        $h = Get-MimecastAuthHeader -Path $Vector.path -ApplicationId $Vector.app_id -ApplicationKey $Vector.app_key `
            -AccessKey $Vector.access_key -SecretKey (ConvertTo-TestSecureString $Vector.secret_key) `
            -Date $Vector.date -RequestId $Vector.request_id
        $h | Should -BeOfType ([System.Collections.IDictionary])
        $h | Should -BeOfType ([Mimecast.AuthHeader])
        $h['Authorization'] | Should -BeExactly $Vector.authorization
        $h['x-mc-date'] | Should -BeExactly $Vector.date
        $h['x-mc-req-id'] | Should -BeExactly $Vector.request_id
        $h['x-mc-app-id'] | Should -BeExactly $Vector.app_id
        $h['Content-Type'] | Should -Be 'application/json'
        $h['Accept'] | Should -Be 'application/json'
        @($h.Keys).Count | Should -Be 6
    }

    It 'reproduces vector <Name> with -Credential (access key / secret key)' -ForEach $vectorCases {
        $cred = [pscredential]::new($Vector.access_key, (ConvertTo-TestSecureString $Vector.secret_key))
        $h = Get-MimecastAuthHeader -Path $Vector.path -ApplicationId $Vector.app_id -ApplicationKey $Vector.app_key `
            -Credential $cred -Date $Vector.date -RequestId $Vector.request_id
        $h['Authorization'] | Should -BeExactly $Vector.authorization
    }
}

Describe 'Get-MimecastAuthHeader' {
    It 'formats a [datetime] -Date as x-mc-date in UTC' {
        $v = @{ Path = '/api/account/get-account'; ApplicationId = $Keys.AppId; ApplicationKey = $Keys.AppKey; AccessKey = $Keys.AccessKey; SecretKey = (ConvertTo-TestSecureString $Keys.SecretKey) }
        $when = [datetime]::new(2015, 11, 24, 12, 50, 11, [DateTimeKind]::Utc)
        $h = Get-MimecastAuthHeader @v -Date $when -RequestId '8c8b2b8e-6d0f-4f3a-9d1e-2a4b6c8d0e1f'
        $h['x-mc-date'] | Should -BeExactly 'Tue, 24 Nov 2015 12:50:11 UTC'
        $h['Authorization'] | Should -BeExactly "MC $($Keys.AccessKey):9hPgT41h/qGge9NgPqRvZYvjAAA="
    }

    It 'makes a fresh date and request id by default, accepted by the emulator through Invoke-RestMethod' {
        Reset-Emulator
        Connect-TestEmulator
        try {
            $h1 = Get-MimecastAuthHeader -Path '/api/account/get-account'
            $h2 = Get-MimecastAuthHeader -Path '/api/account/get-account'
            $h1['x-mc-req-id'] | Should -Not -Be $h2['x-mc-req-id']
            $h1['x-mc-date'] | Should -Match '^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} UTC$'
            $r = Invoke-RestMethod -NoProxy -Method Post -Uri "$Url/api/account/get-account" -Headers $h1 -Body '{"data":[]}'
            $r.data[0].accountCode | Should -Be 'CUSA12A345'
        }
        finally { Disconnect-Mimecast }
    }

    It 'signs with -Client without a connection' {
        $client = [Mimecast.MimecastClient]::new('eu', $Keys.AppId, $Keys.AppKey, $Keys.AccessKey, $Keys.SecretKey, $null)
        try {
            $h = Get-MimecastAuthHeader -Path '/api/account/get-account' -Client $client -Date 'Tue, 24 Nov 2015 12:50:11 UTC' -RequestId '8c8b2b8e-6d0f-4f3a-9d1e-2a4b6c8d0e1f'
            $h['Authorization'] | Should -BeExactly "MC $($Keys.AccessKey):9hPgT41h/qGge9NgPqRvZYvjAAA="
        }
        finally { $client.Dispose() }
    }

    It 'says to run Connect-Mimecast when there is no connection' {
        Disconnect-Mimecast
        $e = Get-TestErrorRecord { Get-MimecastAuthHeader -Path '/api/account/get-account' }
        $e | Should -Not -BeNullOrEmpty
        $e.FullyQualifiedErrorId | Should -Be (Get-TestErrorId 'Mimecast.NotConnected' 'Get-MimecastAuthHeader')
        $e.CategoryInfo.Category | Should -Be 'InvalidOperation'
        $e.ToString() | Should -BeLike '*Connect-Mimecast*'
    }

    It 'rejects the invalid secret key <Invalid.name> as InvalidArgument before sending, without showing it' -ForEach $invalidCases {
        if ($Invalid.secret_key -eq '') { $secure = [securestring]::new() } else { $secure = ConvertTo-TestSecureString $Invalid.secret_key }
        $e = Get-TestErrorRecord {
            Get-MimecastAuthHeader -Path '/api/x' -ApplicationId $Keys.AppId -ApplicationKey $Keys.AppKey -AccessKey $Keys.AccessKey -SecretKey $secure
        }
        $e | Should -Not -BeNullOrEmpty
        if ($Invalid.error -eq 'invalid_credentials') { $id = 'Mimecast.InvalidCredentials' } else { $id = 'Mimecast.InvalidArgument' }
        $e.FullyQualifiedErrorId | Should -Be (Get-TestErrorId $id 'Get-MimecastAuthHeader')
        $e.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $e.TargetObject | Should -Be '/api/x'
        if ($Invalid.secret_key.Length -gt 3) { $e.ToString().Contains($Invalid.secret_key) | Should -BeFalse }
    }

    It 'refuses to sign with an API 2.0 (OAuth) connection' {
        Connect-Mimecast -BaseUrl $Url -ClientId $Keys.ClientId -ClientSecret (ConvertTo-TestSecureString $Keys.ClientSecret)
        try {
            $e = Get-TestErrorRecord { Get-MimecastAuthHeader -Path '/api/account/get-account' }
            $e.FullyQualifiedErrorId | Should -Be (Get-TestErrorId 'Mimecast.Unsupported' 'Get-MimecastAuthHeader')
            $e.CategoryInfo.Category | Should -Be 'NotImplemented'
            Assert-NoSecret $e.ToString()
        }
        finally { Disconnect-Mimecast }
    }
}
