# Issue 16 item 4: stopping a pipeline (what Ctrl+C does: PowerShell calls StopProcessing) cancels the library call in
# flight through the native cancellation flag, for every command that does I/O. Each test holds the call open on the
# server side (the emulator's "slow" fault, a listener that never answers, or a -Follow poll wait), stops the pipeline,
# and checks that it stopped long before the server would have let the call go. Bounds are generous (a loaded machine
# must not fail them); the measured times are printed.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $api1 = (Connect-TestEmulator -Extra @{ PassThru = $true }).Client
    # Connect-Mimecast keeps one connection (and disposes the one it replaces): the OAuth client is made directly.
    $api2 = [Mimecast.MimecastClient]::ForOAuth($Keys.ClientId, $Keys.ClientSecret, $Url)
    # The API 2.0 client gets its token now, so that a fault meant for a request is not taken by the token fetch.
    $null = Get-MimecastAccount -Client $api2 -ErrorAction Stop
    # The slow fault holds a request this long; a stop must end the call well before.
    $hold = 8
    # Generous bound for the stop itself (the library promises ~20 ms).
    $stopBound = [timespan]::FromSeconds(2)

    function Measure-TestStop {
        # Starts $Script in its own runspace, waits until $InFlight says the call is held, waits $SettleMs more (so the
        # call is well inside the wait), then stops the pipeline. Returns the state, the times and what was written.
        param(
            [Parameter(Mandatory = $true)] [string] $Name,
            [Parameter(Mandatory = $true)] [string] $Script,
            [hashtable] $Parameters = @{},
            [Parameter(Mandatory = $true)] [scriptblock] $InFlight,
            [int] $SettleMs = 300
        )
        $ps = New-TestPowerShell
        try {
            $null = $ps.AddScript("param(`$p) $Script").AddArgument($Parameters)
            $none = [System.Management.Automation.PSDataCollection[psobject]]::new()
            $none.Complete()
            $output = [System.Management.Automation.PSDataCollection[psobject]]::new()
            $clock = [System.Diagnostics.Stopwatch]::StartNew()
            $async = $ps.BeginInvoke($none, $output)
            while (-not (& $InFlight $output)) {
                if ($async.IsCompleted) { throw "$Name ended before its call was held: $($ps.Streams.Error | Out-String)" }
                if ($clock.Elapsed.TotalSeconds -gt 20) { throw "${Name}: the call was never seen in flight" }
                Start-Sleep -Milliseconds 20
            }
            $held = $clock.Elapsed
            Start-Sleep -Milliseconds $SettleMs
            $stopAt = $clock.Elapsed
            $ps.Stop()
            $stopped = $clock.Elapsed
            $r = [pscustomobject]@{
                State  = $ps.InvocationStateInfo.State
                Stop   = $stopped - $stopAt
                Total  = $stopped
                Output = @($output)
                Errors = @($ps.Streams.Error)
            }
            Write-Host ('    {0}: in flight after {1:n0} ms, stopped {2:n0} ms after Stop(), {3:n0} ms after the start' -f
                $Name, $held.TotalMilliseconds, $r.Stop.TotalMilliseconds, $r.Total.TotalMilliseconds)
            $r
        }
        finally { $ps.Dispose() }
    }

    function Test-RequestSeen([string] $Path) {
        # A scriptblock true once the emulator received a request for $Path (recorded before the fault holds it).
        $requests = "$Url/_emulator/requests"   # a local: the closure keeps only the function's own variables
        { param($out) @((Invoke-RestMethod -NoProxy -Uri $requests) | Where-Object path -like $Path).Count -gt 0 }.GetNewClosure()
    }

    function Assert-Stopped($Result) {
        $Result.State | Should -Be 'Stopped'
        $Result.Errors | Should -BeNullOrEmpty -Because 'a stop is what the user asked for, not a failure'
        $Result.Stop | Should -BeLessThan $stopBound
        $Result.Total | Should -BeLessThan ([timespan]::FromSeconds($hold - 1)) -Because 'the call must end long before the server lets it go'
    }
}

AfterAll {
    Disconnect-Mimecast
    $api2.Dispose()
}

Describe 'Stopping a pipeline cancels the call in flight' {
    BeforeEach { Reset-Emulator }

    It 'Get-MimecastAccount (API 1.0, waiting for the answer)' {
        Add-EmulatorFault @{ fault = 'slow'; delay_s = $hold }
        $r = Measure-TestStop -Name 'Get-MimecastAccount' -Script 'Get-MimecastAccount -Client $p.Client' -Parameters @{ Client = $api1 } `
            -InFlight (Test-RequestSeen '/api/account/get-account')
        Assert-Stopped $r
        $r.Output | Should -BeNullOrEmpty
    }

    It 'Get-MimecastAccount (API 2.0, waiting for the OAuth token)' {
        $fresh = [Mimecast.MimecastClient]::ForOAuth($Keys.ClientId, $Keys.ClientSecret, $Url)
        try {
            Add-EmulatorFault @{ fault = 'slow'; delay_s = $hold }
            $r = Measure-TestStop -Name 'Get-MimecastAccount (OAuth token)' -Script 'Get-MimecastAccount -Client $p.Client' `
                -Parameters @{ Client = $fresh } -InFlight (Test-RequestSeen '/oauth/token')
            Assert-Stopped $r
            # The cancelled token fetch poisons nothing: the same client works at once.
            (Get-MimecastAccount -Client $fresh -ErrorAction Stop).AccountCode | Should -Not -BeNullOrEmpty
        }
        finally { $fresh.Dispose() }
    }

    It 'Invoke-MimecastApi (a classic POST)' {
        Add-EmulatorFault @{ fault = 'slow'; delay_s = $hold }
        $r = Measure-TestStop -Name 'Invoke-MimecastApi POST' -Script 'Invoke-MimecastApi -Client $p.Client -Path /api/directory/find-groups -Data @{ query = "x" }' `
            -Parameters @{ Client = $api1 } -InFlight (Test-RequestSeen '/api/directory/find-groups')
        Assert-Stopped $r
    }

    It 'Invoke-MimecastApi (a GET through the general request)' {
        Add-EmulatorFault @{ fault = 'slow'; delay_s = $hold }
        $r = Measure-TestStop -Name 'Invoke-MimecastApi GET' -Script 'Invoke-MimecastApi -Client $p.Client -Method GET -Path /siem/v1/events/cg -Query @{ pageSize = 5 } -Raw' `
            -Parameters @{ Client = $api2 } -InFlight (Test-RequestSeen '/siem/v1/events/cg')
        Assert-Stopped $r
    }

    It 'Invoke-MimecastApi -All (a page request)' {
        Add-EmulatorFault @{ fault = 'slow'; delay_s = $hold }
        $r = Measure-TestStop -Name 'Invoke-MimecastApi -All' -Script 'Invoke-MimecastApi -Client $p.Client -Path /api/audit/get-audit-events -All -PageSize 5' `
            -Parameters @{ Client = $api1 } -InFlight (Test-RequestSeen '/api/audit/get-audit-events')
        Assert-Stopped $r
    }

    It 'Find-MimecastRegion and Connect-Mimecast -EmailAddress (a discovery host that never answers)' {
        $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $listener.Start()
        try {
            $silent = 'http://127.0.0.1:{0}' -f $listener.LocalEndpoint.Port
            $pending = { param($out) $listener.Pending() }.GetNewClosure()
            $r = Measure-TestStop -Name 'Find-MimecastRegion' -Script 'Find-MimecastRegion -EmailAddress admin@example.com -DiscoveryUrl $p.Url -TimeoutSec 30' `
                -Parameters @{ Url = $silent } -InFlight $pending
            Assert-Stopped $r
            # The backlog still holds the first connection; accept it so that the next one is seen.
            $listener.AcceptTcpClient().Dispose()
            $connect = 'Connect-Mimecast -EmailAddress admin@example.com -DiscoveryUrl $p.Url -TimeoutSec 30 -ApplicationId $p.Keys.AppId ' +
                '-ApplicationKey $p.Keys.AppKey -AccessKey $p.Keys.AccessKey -SecretKey (ConvertTo-SecureString $p.Keys.SecretKey -AsPlainText -Force)'
            $r = Measure-TestStop -Name 'Connect-Mimecast -EmailAddress' -Script $connect -Parameters @{ Url = $silent; Keys = $Keys } -InFlight $pending
            Assert-Stopped $r
        }
        finally { $listener.Stop() }
    }
}

Describe 'Stopping Get-MimecastSiemEvent' {
    BeforeEach { Reset-Emulator }

    It 'cancels a page request held by the server and keeps the checkpoint at the last acknowledged batch' {
        $cp = Join-Path $TestDrive 'held.checkpoint'
        $p = @{ Kind = 'Stream'; Start = '2026-11-30'; PageSize = 3; Client = $api2; Checkpoint = $cp }
        $first = @(Get-MimecastSiemEvent @p -ErrorAction Stop | Select-Object -First 5)
        $saved = Get-FileHash -LiteralPath $cp
        Add-EmulatorFault @{ fault = 'slow'; delay_s = $hold }
        $r = Measure-TestStop -Name 'Get-MimecastSiemEvent (page held)' -Script 'Get-MimecastSiemEvent @p' -Parameters $p `
            -InFlight (Test-RequestSeen '/siem/v1/events/cg')
        Assert-Stopped $r
        $r.Output | Should -BeNullOrEmpty
        (Get-FileHash -LiteralPath $cp).Hash | Should -Be $saved.Hash -Because 'nothing was acknowledged during the stopped run'
        # The next run goes on from the first run's last acknowledged batch: nothing lost.
        $all = Get-EmulatorSiemEvents
        $rest = @(Get-MimecastSiemEvent @p -ErrorAction Stop)
        @(@($first.id) + @($rest.id) | Sort-Object -Unique) | Should -Be $all
        $rest[0].id | Should -Be $all[3] -Because 'pages of 3: the first page was acknowledged, the second was not'
    }

    It 'cancels the -Follow wait once caught up, with every batch acknowledged' {
        $cp = Join-Path $TestDrive 'follow.checkpoint'
        $all = Get-EmulatorSiemEvents
        $p = @{ Kind = 'Batch'; Start = '2026-11-30'; PageSize = 3; Client = $api2; Checkpoint = $cp }
        $caughtUp = { param($out) $out.Count -ge $all.Count }.GetNewClosure()
        $r = Measure-TestStop -Name 'Get-MimecastSiemEvent -Follow (poll wait)' -Script 'Get-MimecastSiemEvent @p -Follow -PollInterval 60' `
            -Parameters $p -InFlight $caughtUp -SettleMs 1000
        $r.State | Should -Be 'Stopped'
        $r.Errors | Should -BeNullOrEmpty
        $r.Stop | Should -BeLessThan $stopBound -Because 'the 60 s poll wait must end at once'
        @($r.Output.id) | Should -Be $all
        @(Get-MimecastSiemEvent @p -ErrorAction Stop).Count | Should -Be 0 -Because 'the last batch was acknowledged before the wait'
    }
}

Describe 'Ctrl+C in a terminal' {
    BeforeAll {
        function Invoke-CtrlC {
            # Runs $Script in a pwsh inside a pseudo-terminal (tests/ctrl_c.py), connected with the emulator's API 1.0
            # keys from the environment, presses Ctrl+C once the call is in flight, and returns what ctrl_c.py measured.
            param([Parameter(Mandatory = $true)] [string] $Name, [Parameter(Mandatory = $true)] [string] $Script, [string[]] $Wait)
            $file = Join-Path $TestDrive ('ctrl-c-{0}.ps1' -f [guid]::NewGuid().ToString('N'))
            $prologue = "Import-Module '$(Join-Path $ModuleDir 'Mimecast.psd1')'`nConnect-Mimecast -FromEnvironment`n"
            Set-Content -LiteralPath $file -Value ($prologue + $Script)
            $pwsh = $env:MIMECAST_TEST_PWSH
            if (-not $pwsh) { $pwsh = (Get-Command pwsh).Source }
            $vars = @{
                MIMECAST_BASE_URL = $Url; MIMECAST_APP_ID = $Keys.AppId; MIMECAST_APP_KEY = $Keys.AppKey
                MIMECAST_ACCESS_KEY = $Keys.AccessKey; MIMECAST_SECRET_KEY = $Keys.SecretKey
            }
            $saved = @{}
            foreach ($k in $vars.Keys) { $saved[$k] = [Environment]::GetEnvironmentVariable($k); [Environment]::SetEnvironmentVariable($k, $vars[$k]) }
            try {
                $json = & python3 (Join-Path $PSScriptRoot 'ctrl_c.py') --emulator $Url @Wait -- $pwsh -NoProfile -File $file
            }
            finally {
                foreach ($k in $saved.Keys) { [Environment]::SetEnvironmentVariable($k, $saved[$k]) }
            }
            $r = $json | ConvertFrom-Json
            if ($r.PSObject.Properties['error']) { throw "${Name}: $($r.error)`n$($r.output)" }
            Write-Host ('    {0}: exited {1:n0} ms after Ctrl+C (exit code {2})' -f $Name, ($r.stop_s * 1000), $r.returncode)
            $r
        }
    }
    BeforeEach { Reset-Emulator }

    It 'stops Get-MimecastAccount held by the server' {
        Add-EmulatorFault @{ fault = 'slow'; delay_s = $hold }
        $r = Invoke-CtrlC -Name 'Ctrl+C, Get-MimecastAccount' -Script "Get-MimecastAccount`n'returned'" -Wait '--wait-path', '/api/account/get-account'
        $r.stop_s | Should -BeLessThan ($hold - 2) -Because 'without cancellation the call would wait for the server'
        $r.output | Should -Not -BeLike '*returned*'
        $r.output | Should -Not -BeLike '*CUSA12A345*'
    }

    It 'stops Get-MimecastSiemEvent -Follow in its poll wait, every batch acknowledged' {
        $cp = Join-Path $TestDrive 'ctrl-c-follow.checkpoint'
        $all = Get-EmulatorSiemEvents
        $r = Invoke-CtrlC -Name 'Ctrl+C, Get-MimecastSiemEvent -Follow' `
            -Script "Get-MimecastSiemEvent -Kind SiemV1 -Checkpoint '$cp' -Follow -PollInterval 60 | ForEach-Object id`n'returned'" `
            -Wait '--wait-text', $all[-1], '--settle', '1'
        $r.stop_s | Should -BeLessThan 10 -Because 'the 60 s poll wait must end at Ctrl+C'
        $r.output | Should -Not -BeLike '*returned*'
        @(Get-MimecastSiemEvent -Kind SiemV1 -Client $api1 -Checkpoint $cp -ErrorAction Stop).Count | Should -Be 0
    }
}
