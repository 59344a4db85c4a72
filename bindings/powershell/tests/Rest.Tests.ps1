# Issue 14 against the emulator: Invoke-MimecastApi for any request (the shared echo and refusal tables), file answers
# with -OutFile, -Raw/-ResponseMode, protocol corrections, -All over log endpoints and API 2.0 pages, region discovery.
BeforeDiscovery {
    $echoTable = Get-Content -LiteralPath (Join-Path $env:MIMECAST_TEST_REPO 'tests/shared/rest-echo.json') -Raw | ConvertFrom-Json
    $echoCases = foreach ($api in '1.0', '2.0') { foreach ($c in $echoTable.cases) { @{ Name = $c.name; Api = $api } } }
    $refusedCases = foreach ($c in $echoTable.refused) { @{ Name = $c.name } }
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $echoTable = Get-Content -LiteralPath (Join-Path $Repo 'tests/shared/rest-echo.json') -Raw | ConvertFrom-Json

    function Get-EchoCase([string] $Table, [string] $Name) { $echoTable.$Table | Where-Object name -EQ $Name }

    function ConvertTo-EchoParameters($Case) {
        # Invoke-MimecastApi's parameters for a case of tests/shared/rest-echo.json: pairs become ordered hashtables (a
        # repeated query name, adjacent in the table, becomes an array value).
        $p = @{ Method = $Case.method; Path = $(if ($Case.PSObject.Properties['path']) { $Case.path } else { $echoTable.path }) }
        if ($Case.PSObject.Properties['query']) {
            $q = [ordered]@{}
            foreach ($pair in $Case.query) {
                if ($q.Contains($pair[0])) { $q[$pair[0]] = @($q[$pair[0]]) + $pair[1] } else { $q[$pair[0]] = $pair[1] }
            }
            $p.Query = $q
        }
        if ($Case.PSObject.Properties['headers']) {
            $h = [ordered]@{}
            foreach ($pair in $Case.headers) { $h[$pair[0]] = $pair[1] }
            $p.Headers = $h
        }
        if ($Case.PSObject.Properties['json']) { $p.Body = $Case.json }
        if ($Case.PSObject.Properties['body_base64']) {
            $p.Body = [Convert]::FromBase64String($Case.body_base64)
            $p.ContentType = $Case.content_type
        }
        $p
    }

    function Connect-TestOAuth { Connect-Mimecast -BaseUrl $Url -ClientId $Keys.ClientId -ClientSecret (ConvertTo-TestSecureString $Keys.ClientSecret) @args }

    function Get-EmulatorRequests { Invoke-RestMethod -NoProxy -Method Get -Uri "$Url/_emulator/requests" }
}

AfterAll {
    Disconnect-Mimecast
}

Describe 'Invoke-MimecastApi with any request: the shared echo table' {
    BeforeEach { Reset-Emulator }

    It 'sends <Name> with API <Api> exactly as the table says' -ForEach $echoCases {
        if ($Api -eq '1.0') { Connect-TestEmulator } else { Connect-TestOAuth }
        $case = Get-EchoCase 'cases' $Name
        $p = ConvertTo-EchoParameters $case
        $echo = Invoke-MimecastApi @p -Confirm:$false
        $expect = $case.expect
        $echo.method | Should -BeExactly $expect.method
        $echo.rawQuery | Should -BeExactly $expect.rawQuery
        $echo.bodyBase64 | Should -BeExactly $expect.bodyBase64
        foreach ($h in $expect.headers.PSObject.Properties) { $echo.headers.($h.Name) | Should -BeExactly $h.Value }
    }

    It 'refuses <Name> with Mimecast.InvalidArgument and sends nothing' -ForEach $refusedCases {
        Connect-TestEmulator
        $p = ConvertTo-EchoParameters (Get-EchoCase 'refused' $Name)
        $e = Get-TestErrorRecord { Invoke-MimecastApi @p -Confirm:$false }
        $e.FullyQualifiedErrorId | Should -Be (Get-TestErrorId 'Mimecast.InvalidArgument' 'Invoke-MimecastApi')
        $e.CategoryInfo.Category | Should -Be 'InvalidArgument'
        (Get-EmulatorStats).requests | Should -Be 0
    }

    It 'sends query values of other types as text, and text bodies of any type' {
        Connect-TestEmulator
        $echo = Invoke-MimecastApi -Method GET -Path /api/v2/echo -Query @{ on = $true; n = 3; at = [datetime]::new(2026, 11, 30, 8, 0, 0, [DateTimeKind]::Utc) }
        $echo.query.on | Should -Be 'true'
        $echo.query.n | Should -Be '3'
        $echo.query.at | Should -Be '2026-11-30T08:00:00.000Z'
        $echo = Invoke-MimecastApi -Method PUT -Path /api/v2/echo -Body "a,b`r`n1,2" -ContentType 'text/csv' -Confirm:$false
        $echo.headers.'content-type' | Should -Be 'text/csv'
        [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($echo.bodyBase64)) | Should -BeExactly "a,b`r`n1,2"
    }
}

Describe 'Invoke-MimecastApi answers' {
    BeforeEach {
        Reset-Emulator
        Connect-TestEmulator -Extra @{ MaxRetries = 2 }
    }

    It 'writes SIEM zips with -OutFile and puts the token headers on the output object, to the last token' {
        $out = Join-Path $TestDrive 'siem-0.zip'
        $r = Invoke-MimecastApi -Path /api/audit/get-siem-logs -Data @{ type = 'MTA'; fileFormat = 'json'; compress = $true } -OutFile $out
        $r | Should -BeOfType ([Mimecast.MimecastHttpResponse])
        [int]$r.StatusCode | Should -Be 200
        $r.OutFile | Should -Be $out
        $r.Headers['Content-Disposition'] | Should -Match 'filename="MTA_\d+\.zip"'
        $r.Headers['MC-SIEM-TOKEN'] | Should -Not -BeNullOrEmpty
        (Get-Item -LiteralPath $out).Length | Should -Be $r.Length
        $shown = $r | Out-String
        $shown | Should -Match 'StatusCode\s+: 200'
        $shown | Should -BeLike '*mc-siem-token*'
        $events = [System.Collections.Generic.List[string]]::new()
        $n = 0
        while ($r.Headers['mc-siem-token']) {
            $dir = Join-Path $TestDrive "siem-$n"
            Expand-Archive -LiteralPath (Join-Path $TestDrive "siem-$n.zip") -DestinationPath $dir
            $json = @(Get-ChildItem -LiteralPath $dir)
            $json.Count | Should -Be 1
            foreach ($e in (Get-Content -LiteralPath $json[0].FullName -Raw | ConvertFrom-Json).data) { $events.Add($e.id) }
            $n++
            $r = Invoke-MimecastApi -Path /api/audit/get-siem-logs -Data @{ type = 'MTA'; token = $r.Headers['mc-siem-token']; compress = $true } -OutFile (Join-Path $TestDrive "siem-$n.zip")
        }
        $n | Should -BeGreaterOrEqual 2
        @($events) | Should -Be (Get-EmulatorSiemEvents) -Because 'every event once, in order'
        (Get-Content -LiteralPath (Join-Path $TestDrive "siem-$n.zip") -Raw | ConvertFrom-Json).meta.isLastToken | Should -BeTrue
    }

    It 'refuses a zip where JSON is asked for (-ResponseMode Json)' {
        $e = Get-TestErrorRecord { Invoke-MimecastApi -Path /api/audit/get-siem-logs -Data @{ type = 'MTA'; compress = $true } -ResponseMode Json }
        $e.FullyQualifiedErrorId | Should -Be (Get-TestErrorId 'Mimecast.MalformedResponse' 'Invoke-MimecastApi')
    }

    It 'returns the CSV and STIX feeds as HTTP answers with -ResponseMode Any' {
        $csv = Invoke-MimecastApi -Path /api/ttp/threat-intel/get-feed -Data @{ fileType = 'csv' } -ResponseMode Any
        $csv.ContentType | Should -Be 'text/csv'
        ($csv.Text -split "`r`n")[0] | Should -Be 'type,value'
        $csv.Headers['x-mc-threat-feed-next-token'] | Should -Not -BeNullOrEmpty
        $stix = Invoke-MimecastApi -Path /api/ttp/threat-intel/get-feed -Data @{ fileType = 'stix' } -ResponseMode Any
        $stix.ContentType | Should -Be 'application/stix+json'
        ($stix.Text | ConvertFrom-Json).type | Should -Be 'bundle'
    }

    It 'returns a 404 with -Raw, and a 429 after the retries' {
        $r = Invoke-MimecastApi -Path /nowhere -Raw
        [int]$r.StatusCode | Should -Be 404
        $e = Get-TestErrorRecord { Invoke-MimecastApi -Path /nowhere -Method DELETE -Confirm:$false }
        $e.FullyQualifiedErrorId | Should -Be (Get-TestErrorId 'Mimecast.HttpError' 'Invoke-MimecastApi')
        Add-EmulatorFault @{ fault = 'rate_limited'; reset_ms = 10; times = 5 }
        $r = Invoke-MimecastApi -Method GET -Path /api/v2/echo -ResponseMode Raw
        [int]$r.StatusCode | Should -Be 429
        $r.RetryCount | Should -Be 2
        $r.Headers['X-RateLimit-Remaining'] | Should -Be '0'
    }

    It 'maps <name> to <id>' -ForEach @(
        @{ name = 'meta.status 403 under HTTP 200'; fault = @{ fault = 'meta_status'; status = 403 }; id = 'Mimecast.Unauthorized'; http = 403 }
        @{ name = 'a fail code at the top level'; fault = @{ fault = 'fail_top_level'; code = 'err_validation_blank' }; id = 'Mimecast.ApiFailure'; http = 200 }
        @{ name = 'an API 2.0 error object'; fault = @{ fault = 'api2_error'; status = 400; code = 'invalid_page_size' }; id = 'Mimecast.HttpError'; http = 400 }
    ) {
        Add-EmulatorFault $fault
        $e = Get-TestErrorRecord { Invoke-MimecastApi -Method GET -Path /api/v2/echo }
        $e.FullyQualifiedErrorId | Should -Be (Get-TestErrorId $id 'Invoke-MimecastApi')
        $e.Exception.HttpStatus | Should -Be $http
    }

    It 'reports a Retry-After date as the time to wait' {
        Connect-TestEmulator -Extra @{ MaxRetries = 0 }
        Add-EmulatorFault @{ fault = 'rate_limited'; reset_ms = 10; retry_after = [DateTimeOffset]::UtcNow.AddSeconds(30).ToString('r') }
        $e = Get-TestErrorRecord { Get-MimecastAccount }
        $e.Exception.RetryAfter.TotalSeconds | Should -BeGreaterOrEqual 25
        $e.Exception.RetryAfter.TotalSeconds | Should -BeLessOrEqual 30
    }

    It 'refreshes the API 2.0 token after a top-level token_expired' {
        Connect-TestOAuth
        Get-MimecastAccount | Out-Null
        $before = (Get-EmulatorStats).tokens_issued
        Add-EmulatorFault @{ fault = 'fail_top_level'; code = 'token_expired' }
        (Get-MimecastAccount).AccountCode | Should -Be 'CUSA12A345'
        ((Get-EmulatorStats).tokens_issued - $before) | Should -Be 1
    }
}

Describe 'Invoke-MimecastApi -All' {
    BeforeEach { Reset-Emulator }

    It 'streams the 7 click logs themselves across pages of 3' {
        Connect-TestEmulator
        $logs = @(Invoke-MimecastApi -Path /api/ttp/url/get-logs -All -PageSize 3)
        $logs.id | Should -Be @(1..7 | ForEach-Object { "click-$_" })
        (Get-EmulatorStats).requests | Should -Be 3
    }

    It 'ends the pull at an empty page that names a next token' {
        Connect-TestEmulator
        Add-EmulatorFault @{ fault = 'empty_page_with_next' }
        @(Invoke-MimecastApi -Path /api/audit/get-audit-events -All).Count | Should -Be 0
        (Get-EmulatorStats).requests | Should -Be 1
    }

    It 'pages an API 2.0 GET until caught up, and -ItemsKey unwraps other endpoints' {
        Connect-TestOAuth
        $ids = Get-EmulatorSiemEvents
        $ids.Count | Should -BeGreaterThan 20
        $events = @(Invoke-MimecastApi -Method GET -Path /siem/v1/events/cg -Query @{ types = 'receipt'; dateRangeStartsAt = '2026-11-30T00:00:00.000Z' } -All -PageSize 10)
        $events.id | Should -Be $ids
        @((Get-EmulatorRequests) | Where-Object path -EQ '/siem/v1/events/cg').Count | Should -Be ([math]::Ceiling($ids.Count / 10))
        Add-EmulatorFault @{ fault = 'raw_body'; body = '{"meta":{"status":200},"data":[{"rows":[{"n":1},{"n":2}]}],"fail":[]}' }
        (Invoke-MimecastApi -Path /api/custom/rows -All -ItemsKey rows).n | Should -Be @(1, 2)
    }

    It 'refuses -All with -OutFile' {
        Connect-TestEmulator
        $e = Get-TestErrorRecord { Invoke-MimecastApi -Path /api/audit/get-siem-logs -All -OutFile (Join-Path $TestDrive 'x') }
        $e.FullyQualifiedErrorId | Should -Be (Get-TestErrorId 'Mimecast.InvalidArgument' 'Invoke-MimecastApi')
        (Get-EmulatorStats).requests | Should -Be 0
    }
}

Describe 'Invoke-MimecastApi -WhatIf, -Confirm and completion for methods' {
    BeforeEach {
        Reset-Emulator
        Connect-TestEmulator
    }

    It 'sends a GET without asking, even under -WhatIf or $ConfirmPreference Medium' {
        (Invoke-MimecastApi -Method GET -Path /api/v2/echo -WhatIf).method | Should -Be 'GET'
        $ConfirmPreference = 'Medium'
        (Invoke-MimecastApi -Method GET -Path /api/v2/echo).method | Should -Be 'GET'
        (Get-EmulatorStats).requests | Should -Be 2
    }

    It 'holds back the other methods under -WhatIf, as before' {
        foreach ($m in 'POST', 'PUT', 'PATCH', 'DELETE') { Invoke-MimecastApi -Method $m -Path /api/v2/echo -WhatIf | Should -BeNullOrEmpty }
        (Get-EmulatorStats).requests | Should -Be 0
    }

    It 'completes -Method with the methods the library accepts' {
        $methods = @((TabExpansion2 -inputScript 'Invoke-MimecastApi -Method ' -cursorColumn 27).CompletionMatches.CompletionText)
        $methods | Should -Be @('GET', 'POST', 'PUT', 'PATCH', 'DELETE')
        foreach ($m in $methods) { [Mimecast.MimecastRequest]::new($m, '/api/v2/echo').Method | Should -Be $m }
        @((TabExpansion2 -inputScript 'Invoke-MimecastApi -Method p' -cursorColumn 28).CompletionMatches.CompletionText) | Should -Be @('POST', 'PUT', 'PATCH')
    }
}

Describe 'Find-MimecastRegion and Connect-Mimecast -EmailAddress' {
    BeforeEach {
        Reset-Emulator
        Disconnect-Mimecast
    }

    It 'finds the base URL of an address, unsigned, and shows it as a table' {
        $r = Find-MimecastRegion -EmailAddress admin@example.com -DiscoveryUrl $Url -ApplicationId $Keys.AppId
        $r | Should -BeOfType ([Mimecast.MimecastRegion])
        $r.BaseUrl | Should -Be $Url
        $r.EmailAddress | Should -Be 'admin@example.com'
        ($r | Out-String) | Should -Match 'EmailAddress\s+BaseUrl'
        $first = @(Get-EmulatorRequests)[0]
        $first.path | Should -Be '/api/login/discover-authentication'
        $first.headers.PSObject.Properties['Authorization'] | Should -BeNullOrEmpty
        @('a@example.com', 'b@example.com' | Find-MimecastRegion -DiscoveryUrl $Url).BaseUrl | Should -Be @($Url, $Url)
    }

    It 'connects to the account of -EmailAddress' {
        $c = Connect-Mimecast -EmailAddress admin@example.com -DiscoveryUrl $Url -ApplicationId $Keys.AppId -ApplicationKey $Keys.AppKey -AccessKey $Keys.AccessKey -SecretKey (ConvertTo-TestSecureString $Keys.SecretKey) -PassThru
        $c.BaseUrl | Should -Be $Url
        $c.Source | Should -Be 'Discovery'
        (Get-MimecastAccount).AccountCode | Should -Be 'CUSA12A345'
        $cred = [pscredential]::new($Keys.AccessKey, (ConvertTo-TestSecureString $Keys.SecretKey))
        Connect-Mimecast -EmailAddress admin@example.com -DiscoveryUrl $Url -ApplicationId $Keys.AppId -ApplicationKey $Keys.AppKey -Credential $cred
        (Get-MimecastAccount).AccountCode | Should -Be 'CUSA12A345'
    }

    It 'says clearly that an unknown address has no region, and leaves no connection' {
        $e = Get-TestErrorRecord { Find-MimecastRegion -EmailAddress admin@unknown.example -DiscoveryUrl $Url }
        $e.FullyQualifiedErrorId | Should -Be (Get-TestErrorId 'Mimecast.ApiFailure' 'Find-MimecastRegion')
        $e.TargetObject | Should -Be 'admin@unknown.example'
        $e.Exception.Message | Should -BeLike '*no region*'
        $e = Get-TestErrorRecord { Connect-Mimecast -EmailAddress admin@unknown.example -DiscoveryUrl $Url -ApplicationId a -ApplicationKey b -AccessKey c -SecretKey (ConvertTo-TestSecureString 'AAAA') }
        $e.FullyQualifiedErrorId | Should -Be (Get-TestErrorId 'Mimecast.ApiFailure' 'Connect-Mimecast')
        $e = Get-TestErrorRecord { Get-MimecastAccount }
        $e.FullyQualifiedErrorId | Should -Be (Get-TestErrorId 'Mimecast.NotConnected' 'Get-MimecastAccount')
    }
}
