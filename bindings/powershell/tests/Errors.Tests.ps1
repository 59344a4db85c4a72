# Every failure is an ErrorRecord with a fitting category and id, the path as target, and no secret anywhere.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    function Assert-MimecastError {
        param($Record, [string] $Id, [string] $Category, [string] $Command = 'Get-MimecastAccount', [string] $Target = '/api/account/get-account')
        $Record | Should -Not -BeNullOrEmpty -Because 'the command must fail'
        $Record | Should -BeOfType ([System.Management.Automation.ErrorRecord])
        $Record.FullyQualifiedErrorId | Should -Be (Get-TestErrorId $Id $Command)
        $Record.CategoryInfo.Category | Should -Be $Category
        $Record.TargetObject | Should -Be $Target
        $Record.Exception | Should -BeOfType ([System.Exception])
        Assert-NoSecret ($Record.ToString() + $Record.Exception.Message + ($Record | Out-String)) -Because 'error messages never show secrets'
    }
}

AfterAll {
    Disconnect-Mimecast
}

Describe 'Errors from emulator faults' {
    BeforeEach {
        Reset-Emulator
        Connect-TestEmulator -Extra @{ MaxRetries = 0 }
    }
    AfterEach {
        Disconnect-Mimecast
    }

    It 'unauthorized (401) -> AuthenticationError, Mimecast.Unauthorized' {
        Add-EmulatorFault @{ fault = 'unauthorized' }
        $e = Get-TestErrorRecord { Get-MimecastAccount }
        Assert-MimecastError $e 'Mimecast.Unauthorized' 'AuthenticationError'
        $e.Exception | Should -BeOfType ([Mimecast.MimecastAuthenticationException])
        $e.Exception.HttpStatus | Should -Be 401
    }

    It 'forbidden (403) -> AuthenticationError mentioning permissions' {
        Add-EmulatorFault @{ fault = 'forbidden' }
        $e = Get-TestErrorRecord { Get-MimecastAccount }
        Assert-MimecastError $e 'Mimecast.Unauthorized' 'AuthenticationError'
        $e.ErrorDetails.RecommendedAction | Should -BeLike '*permission*'
    }

    It 'binding_expired (418) -> AuthenticationError, Mimecast.BindingExpired, telling to create new keys' {
        Add-EmulatorFault @{ fault = 'binding_expired' }
        $e = Get-TestErrorRecord { Get-MimecastAccount }
        Assert-MimecastError $e 'Mimecast.BindingExpired' 'AuthenticationError'
        $e.Exception | Should -BeOfType ([Mimecast.MimecastBindingExpiredException])
        $e.ToString() | Should -BeLike '*create new access and secret keys*'
    }

    It 'rate_limited (429) with -MaxRetries 0 -> LimitsExceeded, Mimecast.RateLimited, retry-after in the message' {
        Add-EmulatorFault @{ fault = 'rate_limited'; reset_ms = 1500 }
        $e = Get-TestErrorRecord { Get-MimecastAccount }
        Assert-MimecastError $e 'Mimecast.RateLimited' 'LimitsExceeded'
        $e.Exception | Should -BeOfType ([Mimecast.MimecastRateLimitedException])
        $e.Exception.RetryAfter.TotalMilliseconds | Should -Be 1500
        $e.ToString() | Should -BeLike '*Retry after 1.5 s*'
        (Get-EmulatorStats).requests | Should -Be 1
    }

    It 'api_fail (fail entry under HTTP 200) -> Mimecast.ApiFailure with the API code' {
        Add-EmulatorFault @{ fault = 'api_fail'; code = 'err_validation_blank'; message = 'Value cannot be blank' }
        $e = Get-TestErrorRecord { Invoke-MimecastApi -Path '/api/directory/find-groups' -Data @{ query = '' } }
        Assert-MimecastError $e 'Mimecast.ApiFailure' 'InvalidArgument' -Command 'Invoke-MimecastApi' -Target '/api/directory/find-groups'
        $e.Exception.ErrorCode | Should -Be 'err_validation_blank'
        $e.ToString() | Should -BeLike '*Value cannot be blank*'
    }

    It 'api_fail with a non-validation code -> InvalidOperation' {
        Add-EmulatorFault @{ fault = 'api_fail'; code = 'err_some_failure'; message = 'Something failed' }
        $e = Get-TestErrorRecord { Get-MimecastAccount }
        Assert-MimecastError $e 'Mimecast.ApiFailure' 'InvalidOperation'
    }

    It 'malformed (truncated JSON) -> InvalidData, Mimecast.MalformedResponse' {
        Add-EmulatorFault @{ fault = 'malformed' }
        $e = Get-TestErrorRecord { Get-MimecastAccount }
        Assert-MimecastError $e 'Mimecast.MalformedResponse' 'InvalidData'
    }

    It 'html error page -> an error, not a crash' {
        Add-EmulatorFault @{ fault = 'html' }
        $e = Get-TestErrorRecord { Get-MimecastAccount }
        $e | Should -Not -BeNullOrEmpty
        $e.FullyQualifiedErrorId | Should -BeLike 'Mimecast.*,Mimecast.Commands.GetMimecastAccountCommand'
    }

    It 'server_error (500) with -MaxRetries 0 -> ResourceUnavailable, Mimecast.HttpError' {
        Add-EmulatorFault @{ fault = 'server_error' }
        $e = Get-TestErrorRecord { Get-MimecastAccount }
        Assert-MimecastError $e 'Mimecast.HttpError' 'ResourceUnavailable'
        $e.Exception.HttpStatus | Should -Be 500
    }

    It 'server_error is retried by default and then succeeds' {
        Connect-TestEmulator
        Add-EmulatorFault @{ fault = 'server_error' }
        (Get-MimecastAccount).AccountCode | Should -Be 'CUSA12A345'
        (Get-EmulatorStats).requests | Should -Be 2
    }

    It 'Invoke-MimecastApi is not repeated after a 5xx unless -RetryAfterSend' {
        Connect-TestEmulator
        Add-EmulatorFault @{ fault = 'server_error' }
        $e = Get-TestErrorRecord { Invoke-MimecastApi -Path /api/directory/add-group-member }
        Assert-MimecastError $e 'Mimecast.HttpError' 'ResourceUnavailable' -Command 'Invoke-MimecastApi' -Target '/api/directory/add-group-member'
        (Get-EmulatorStats).requests | Should -Be 1
        Connect-TestEmulator -Extra @{ RetryAfterSend = $true }
        Add-EmulatorFault @{ fault = 'server_error' }
        Invoke-MimecastApi -Path /api/directory/add-group-member | Should -Not -BeNullOrEmpty
        (Get-EmulatorStats).requests | Should -Be 3
    }

    It 'slow with a short -TimeoutSec -> OperationTimeout, Mimecast.Timeout' {
        Connect-TestEmulator -Extra @{ MaxRetries = 0; TimeoutSec = 1 }
        Add-EmulatorFault @{ fault = 'slow'; delay_s = 4 }
        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        $e = Get-TestErrorRecord { Get-MimecastAccount }
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 3.5
        Assert-MimecastError $e 'Mimecast.Timeout' 'OperationTimeout'
        $e.Exception | Should -BeOfType ([Mimecast.MimecastTimeoutException])
    }

    It 'drop (connection closed) -> ConnectionError, Mimecast.Transport' {
        Add-EmulatorFault @{ fault = 'drop' }
        $e = Get-TestErrorRecord { Get-MimecastAccount }
        Assert-MimecastError $e 'Mimecast.Transport' 'ConnectionError'
    }

    It 'connection refused -> ConnectionError' {
        $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $listener.Start(); $port = $listener.LocalEndpoint.Port; $listener.Stop()
        Connect-TestEmulator -BaseUrl "http://127.0.0.1:$port" -Extra @{ MaxRetries = 0 }
        $e = Get-TestErrorRecord { Get-MimecastAccount }
        Assert-MimecastError $e 'Mimecast.Transport' 'ConnectionError'
    }
}

Describe 'TLS' {
    AfterEach { Disconnect-Mimecast }

    It 'rejects the emulator certificate from an untrusted CA -> ConnectionError, Mimecast.Tls, suggesting -CaBundle' {
        Connect-TestEmulator -BaseUrl $TlsUrl -Extra @{ MaxRetries = 0 }
        $e = Get-TestErrorRecord { Get-MimecastAccount }
        Assert-MimecastError $e 'Mimecast.Tls' 'ConnectionError'
        $e.Exception | Should -BeOfType ([Mimecast.MimecastTlsException])
        $e.ErrorDetails.RecommendedAction | Should -BeLike '*-CaBundle*'
    }

    It 'trusts it with -CaBundle tests/tls/ca.pem' {
        Connect-TestEmulator -BaseUrl $TlsUrl -Extra @{ CaBundle = (Join-Path $Repo 'tests/tls/ca.pem') }
        (Get-MimecastAccount).AccountCode | Should -Be 'CUSA12A345'
    }

    It 'reports an unreadable -CaBundle at Connect-Mimecast' {
        $e = Get-TestErrorRecord { Connect-TestEmulator -BaseUrl $TlsUrl -Extra @{ CaBundle = (Join-Path $TestDrive 'missing.pem') } }
        $e | Should -Not -BeNullOrEmpty
        $e.FullyQualifiedErrorId | Should -BeLike 'Mimecast.*,Mimecast.Commands.ConnectMimecastCommand'
        $e.CategoryInfo.Category | Should -BeIn @('ReadError', 'InvalidArgument')
    }
}

Describe 'No secret in the verbose stream' {
    It 'shows what happens with -Verbose, never a key, secret or Authorization value' {
        Reset-Emulator
        $verbose = @()
        $verbose += Connect-TestEmulator -Extra @{ Verbose = $true } 4>&1
        $verbose += Get-MimecastAccount -Verbose 4>&1
        $verbose += Invoke-MimecastApi -Path '/api/audit/get-audit-events' -All -PageSize 3 -Verbose 4>&1
        $verbose += Get-MimecastAuthHeader -Path '/api/account/get-account' -Verbose 4>&1
        $verbose += Connect-Mimecast -BaseUrl $Url -ClientId $Keys.ClientId -ClientSecret (ConvertTo-TestSecureString $Keys.ClientSecret) -Verbose 4>&1
        $verbose += Get-MimecastAccount -Verbose 4>&1
        $verbose += Disconnect-Mimecast -Verbose 4>&1
        $records = @($verbose | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
        $text = ($records | ForEach-Object { $_.Message }) -join "`n"
        $records.Count | Should -BeGreaterThan 8
        $text | Should -BeLike '*POST /api/account/get-account*'
        $text | Should -BeLike '*libmimecast*get-audit-events*'
        $text | Should -BeLike '*API 2.0*'
        $text | Should -BeLike '*OAuth token*'
        Assert-NoSecret $text
        $text | Should -Not -BeLike '*MC mYtOL3*'
    }

    It 'writes nothing to the verbose stream without -Verbose' {
        Connect-TestEmulator
        $out = @(Get-MimecastAccount 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
        $out.Count | Should -Be 0
        Disconnect-Mimecast
    }
}
