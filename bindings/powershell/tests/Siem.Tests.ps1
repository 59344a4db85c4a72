# Issue 15 against the emulator: Get-MimecastSiemEvent for the three sources (API 1.0 get-siem-logs, API 2.0 batch and
# streaming). The oracle is the emulator's own event set (GET /_emulator/siem-events), never the module's output.
BeforeDiscovery {
    $kindCases = @(
        @{ Kind = 'SiemV1'; Api = '1.0' }
        @{ Kind = 'Batch'; Api = '2.0' }
        @{ Kind = 'Stream'; Api = '2.0' }
    )
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $api1 = (Connect-TestEmulator -Extra @{ PassThru = $true }).Client
    # Connect-Mimecast keeps one connection (and disposes the one it replaces): the OAuth client is made directly.
    $api2 = [Mimecast.MimecastClient]::ForOAuth($Keys.ClientId, $Keys.ClientSecret, $Url)

    function Get-KindParameters([string] $Kind) {
        # The client and query of each source: API 1.0 keys for SiemV1, OAuth for the 2.0 sources, which start at the
        # emulator's first event and take small pages so that a pull has many batches.
        $p = @{ Kind = $Kind; Client = $(if ($Kind -eq 'SiemV1') { $api1 } else { $api2 }) }
        if ($Kind -ne 'SiemV1') { $p.Start = '2026-11-30'; $p.PageSize = 3 }
        $p
    }

    function Invoke-TestSiem {
        # Runs a script with Get-MimecastSiemEvent in its own runspace; returns the output, verbose and progress records
        # and errors. $Parameters are passed to the script as $p.
        param([Parameter(Mandatory = $true)] [string] $Script, [hashtable] $Parameters)
        $ps = New-TestPowerShell
        try {
            $null = $ps.AddScript("param(`$p) $Script").AddArgument($Parameters)
            $out = $ps.Invoke()
            [pscustomobject]@{
                Output   = @($out)
                Verbose  = @($ps.Streams.Verbose | ForEach-Object Message)
                Progress = @($ps.Streams.Progress)
                Errors   = @($ps.Streams.Error)
            }
        }
        finally { $ps.Dispose() }
    }

    function Get-AckedCount([string[]] $Verbose) {
        # The events of the batches the verbose stream says were acknowledged.
        $n = 0
        foreach ($line in $Verbose) { if ($line -match '^Batch acknowledged: (\d+) event') { $n += [int]$Matches[1] } }
        $n
    }
}

AfterAll {
    Disconnect-Mimecast
    $api2.Dispose()
}

Describe 'Get-MimecastSiemEvent delivers the emulator''s event set' {
    BeforeEach { Reset-Emulator }

    It 'writes every event of <Kind> once, in order, as Mimecast.SiemEvent objects' -ForEach $kindCases {
        $all = Get-EmulatorSiemEvents
        $all.Count | Should -BeGreaterThan 20
        $p = Get-KindParameters $Kind
        $events = @(Get-MimecastSiemEvent @p -ErrorAction Stop)
        @($events.id) | Should -Be $all
        $events[0].PSObject.TypeNames[0] | Should -Be 'Mimecast.SiemEvent'
        $events[0].attachments[0].size | Should -BeOfType [long]
        $events[0].timestamp | Should -BeOfType [string] -Because 'dates stay text, as the JSON has them'
    }

    It 'writes the JSON text of each event with -AsJson (<Kind>)' -ForEach $kindCases {
        $p = Get-KindParameters $Kind
        $lines = @(Get-MimecastSiemEvent @p -AsJson -ErrorAction Stop)
        $lines[0] | Should -BeOfType [string]
        @($lines | ForEach-Object { ($_ | ConvertFrom-Json).id }) | Should -Be (Get-EmulatorSiemEvents)
    }

    It 'takes -Type and [datetime] -Start and sends them in the query' {
        $p = Get-KindParameters 'Stream'
        $p.Start = [datetime]::new(2026, 11, 30, 0, 0, 0, [DateTimeKind]::Utc)
        $p.Type = 'receipt', 'delivery'
        $events = @(Get-MimecastSiemEvent @p -ErrorAction Stop)
        $events.Count | Should -Be (Get-EmulatorSiemEvents).Count
        $first = (Invoke-RestMethod -NoProxy -Uri "$Url/_emulator/requests") | Where-Object path -like '/siem/v1/events/*' | Select-Object -First 1
        $query = [uri]::UnescapeDataString($first.query)
        $query | Should -BeLike '*dateRangeStartsAt=2026-11-30T00:00:00.000Z*'
        $query | Should -BeLike '*types=receipt*delivery*'
    }
}

Describe 'Get-MimecastSiemEvent through faults' {
    BeforeEach { Reset-Emulator }

    It 'delivers the whole batch set through expired links and a truncated file (the library fetches them again)' {
        Add-EmulatorFault @{ fault = 'expire_links'; count = 2 }
        Add-EmulatorFault @{ fault = 'truncated_file' }
        $p = Get-KindParameters 'Batch'
        @((Get-MimecastSiemEvent @p -ErrorAction Stop).id) | Should -Be (Get-EmulatorSiemEvents)
        $stats = Get-EmulatorStats
        $stats.files_refused | Should -BeGreaterOrEqual 1
        $stats.files_auth_violations | Should -Be 0 -Because 'presigned links never get the Bearer token'
    }

    It 'waits out rate limits and follows an empty page that is not caught up (stream)' {
        Add-EmulatorFault @{ fault = 'rate_limited'; reset_ms = 200; times = 2 }
        Add-EmulatorFault @{ fault = 'empty_not_caught_up' }
        $p = Get-KindParameters 'Stream'
        @((Get-MimecastSiemEvent @p -ErrorAction Stop).id) | Should -Be (Get-EmulatorSiemEvents)
    }

    It 'writes a failure as one non-terminating error on the checkpoint, which stays at the last acknowledged batch' {
        $cp = Join-Path $TestDrive 'failure.checkpoint'
        $p = Get-KindParameters 'Stream'
        $p.Checkpoint = $cp
        $first = @(Get-MimecastSiemEvent @p -ErrorAction Stop | Select-Object -First 5)
        $saved = (Get-FileHash -LiteralPath $cp).Hash
        Add-EmulatorFault @{ fault = 'api2_error'; status = 400; code = 'bad_request'; message = 'Invalid cursor' }
        $out = @(Get-MimecastSiemEvent @p -ErrorVariable failures -ErrorAction SilentlyContinue)
        $out.Count | Should -Be 0
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'Mimecast.*,Mimecast.Commands.GetMimecastSiemEventCommand'
        $failures[0].Exception | Should -BeOfType [Mimecast.MimecastApiException]
        $failures[0].Exception.Message | Should -BeLike '*Invalid cursor*'
        $failures[0].TargetObject | Should -Be $cp
        (Get-FileHash -LiteralPath $cp).Hash | Should -Be $saved
        $all = Get-EmulatorSiemEvents
        $rest = @(Get-MimecastSiemEvent @p -ErrorAction Stop)
        @(@($first.id) + @($rest.id) | Sort-Object -Unique) | Should -Be $all
    }
}

Describe 'Get-MimecastSiemEvent -Checkpoint' {
    BeforeEach { Reset-Emulator }

    It 'resumes <Kind> after Select-Object -First: the checkpoint is at an acknowledged batch, nothing is lost' -ForEach $kindCases {
        $all = Get-EmulatorSiemEvents
        $cp = Join-Path $TestDrive "first-$Kind.checkpoint"
        $p = Get-KindParameters $Kind
        $p.Checkpoint = $cp
        $first = Invoke-TestSiem -Script 'Get-MimecastSiemEvent @p -Verbose | Select-Object -First 10' -Parameters $p
        $first.Errors | Should -BeNullOrEmpty
        @($first.Output.id) | Should -Be $all[0..9]
        Test-Path -LiteralPath $cp | Should -BeTrue -Because 'at least one whole batch went down the pipeline'
        $acked = Get-AckedCount $first.Verbose
        $acked | Should -BeGreaterThan 0
        $acked | Should -BeLessOrEqual 10 -Because 'a batch is acknowledged only once all its events were written'

        $second = @(Get-MimecastSiemEvent @p -ErrorAction Stop)
        Write-Host "    ${Kind}: first run wrote 10, acknowledged $acked; second run wrote $($second.Count) (of $($all.Count))"
        @($second.id) | Should -Be $all[$acked..($all.Count - 1)] -Because 'the second run starts at the first unacknowledged batch'
        # Together: every event, duplicates only within the batch that was not acknowledged.
        @(@($first.Output.id) + @($second.id) | Sort-Object -Unique) | Should -Be $all

        @(Get-MimecastSiemEvent @p -ErrorAction Stop).Count | Should -Be 0 -Because 'a third run is caught up'
    }

    It 'refuses a corrupt checkpoint with Mimecast.Checkpoint (InvalidData) and leaves the file alone' {
        $cp = Join-Path $TestDrive 'corrupt.checkpoint'
        Set-Content -LiteralPath $cp -Value '{"version": 1, "cursor": ' -NoNewline
        $before = Get-FileHash -LiteralPath $cp
        $p = Get-KindParameters 'Batch'
        $events = @(Get-MimecastSiemEvent @p -Checkpoint $cp -ErrorVariable failures -ErrorAction SilentlyContinue)
        $events.Count | Should -Be 0 -Because 'nothing may start over silently'
        $failures.Count | Should -Be 1
        $e = $failures[0]
        $e.FullyQualifiedErrorId | Should -Be (Get-TestErrorId -Id 'Mimecast.Checkpoint' -Command 'Get-MimecastSiemEvent')
        $e.CategoryInfo.Category | Should -Be 'InvalidData'
        $e.Exception | Should -BeOfType [Mimecast.MimecastCheckpointException]
        $e.TargetObject | Should -Be $cp
        $e.ErrorDetails.RecommendedAction | Should -BeLike '*move the file away*'
        (Get-FileHash -LiteralPath $cp).Hash | Should -Be $before.Hash
        @((Get-EmulatorStats).requests) | Should -Be 0 -Because 'nothing was asked of the server'
    }

    It 'refuses the checkpoint of another kind of stream' {
        $cp = Join-Path $TestDrive 'stream.checkpoint'
        $p = Get-KindParameters 'Stream'
        $null = Get-MimecastSiemEvent @p -Checkpoint $cp -ErrorAction Stop
        Test-Path -LiteralPath $cp | Should -BeTrue
        $e = Get-TestErrorRecord { $q = Get-KindParameters 'Batch'; Get-MimecastSiemEvent @q -Checkpoint $cp }
        $e.FullyQualifiedErrorId | Should -BeLike 'Mimecast.Checkpoint,*'
        # The same kind with another -End is another pull too.
        $e = Get-TestErrorRecord { $q = Get-KindParameters 'Stream'; $q.End = '2026-12-31'; Get-MimecastSiemEvent @q -Checkpoint $cp }
        $e.FullyQualifiedErrorId | Should -BeLike 'Mimecast.Checkpoint,*'
        # Another -Start is the same pull: it applies to a first run only (the caught-up pull resumes, nothing new).
        $q = Get-KindParameters 'Stream'; $q.Start = '2026-11-29'
        @(Get-MimecastSiemEvent @q -Checkpoint $cp -ErrorAction Stop).Count | Should -Be 0
    }

    It 'stops with -ErrorAction Stop on a bad argument, before any request' {
        $p = Get-KindParameters 'Stream'
        $e = Get-TestErrorRecord { Get-MimecastSiemEvent @p -PollInterval 5 }
        $e.FullyQualifiedErrorId | Should -BeLike 'Mimecast.InvalidArgument,*'
        $e.Exception.Message | Should -BeLike '*-Follow*'
        $e = Get-TestErrorRecord { Get-MimecastSiemEvent @p -Follow -PollInterval 0.5 }
        $e.Exception.Message | Should -BeLike '*at least 1 second*'
        @((Get-EmulatorStats).requests) | Should -Be 0
    }
}

Describe 'Get-MimecastSiemEvent progress' {
    BeforeEach { Reset-Emulator }

    It 'writes progress records and verbose lines with the events and bytes so far' {
        $cp = Join-Path $TestDrive 'progress.checkpoint'
        $p = Get-KindParameters 'Batch'
        $p.Checkpoint = $cp
        $r = Invoke-TestSiem -Script 'Get-MimecastSiemEvent @p -Verbose' -Parameters $p
        $all = Get-EmulatorSiemEvents
        @($r.Output.id) | Should -Be $all
        $running = @($r.Progress | Where-Object RecordType -eq 'Processing')
        $running.Count | Should -BeGreaterThan 1
        $running[-1].Activity | Should -Be 'Mimecast SIEM events'
        $running[-1].StatusDescription | Should -Match "^$($all.Count) event\(s\), [\d.]+ (bytes|KiB|MiB) in \d+ batch\(es\) so far$"
        @($r.Progress | Where-Object RecordType -eq 'Completed').Count | Should -Be 1
        $acks = @($r.Verbose | Where-Object { $_ -like 'Batch acknowledged:*' })
        $acks.Count | Should -Be $running.Count
        $acks[-1] | Should -Match "; $($all.Count) event\(s\), [\d.]+ (bytes|KiB|MiB) in \d+ batch\(es\) so far; checkpoint saved: $($all.Count) event\(s\)"
        $r.Verbose[0] | Should -BeLike "Pulling SIEM events (kind Batch;*): a first run, checkpoint $cp."
        (Get-AckedCount $r.Verbose) | Should -Be $all.Count
        Assert-NoSecret ($r.Verbose -join "`n")
    }
}
