# PowerShell side of the libmimecast benchmarks (run by bench/run.sh only when pwsh is installed).
#   pwsh -NoProfile -File bench.ps1 -Mode sign|rt|siem -Iters N -Reps R [-Url URL] [-ModulePath DIR]
# Mimecast's PowerShell sample against the module (built by bench/run.sh with bindings/powershell/build.ps1):
# Connect-Mimecast -FromEnvironment (MIMECAST_* variables), then Get-MimecastAuthHeader / Get-MimecastAccount.
param([string]$Mode, [int]$Iters, [int]$Reps, [string]$Url = "", [string]$ModulePath = "")
$ErrorActionPreference = "Stop"
$appId = "8a2b4c6d-1111-2222-3333-444455556666"
$appKey = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
$accessKey = "mYtOL3XZCOwG96BOiFTZRmMZWGxC9rxbKz2a8wnm5Sq0GqPqRX9ngf0LqH8B9TjKbmRvW5lWyIg2Ef8s2hfb7"
$secretKey = "KTOlJxBehyd0JB1BfzT7pODzo3byUZwHbz8Ssjaz+298Gy9171VwGT+fbIW9GKIf3iYfaTDbsI5BxkSUY93twg=="
$uri = "/api/account/get-account"

function Emit($id, $reps, $iters) {
    $s = $reps | Sort-Object
    $n = $s.Count
    $med = if ($n % 2) { $s[[int][math]::Floor($n / 2)] } else { ($s[$n / 2 - 1] + $s[$n / 2]) / 2 }
    [ordered]@{ id = $id; unit = "ns/op"; median = [math]::Round($med, 1); reps = @($reps | ForEach-Object { [math]::Round($_, 1) }); iters = $iters } | ConvertTo-Json -Compress
}
function Unavailable($id, $reason) { [ordered]@{ id = $id; unavailable = $reason } | ConvertTo-Json -Compress }
function Measure-Op($id, [scriptblock]$f) {
    for ($i = 0; $i -lt [math]::Max([int]($Iters / 10), 1); $i++) { $null = & $f }
    $out = @()
    for ($r = 0; $r -lt $Reps; $r++) {
        $sw = [Diagnostics.Stopwatch]::StartNew()
        for ($i = 0; $i -lt $Iters; $i++) { $null = & $f }
        $out += $sw.Elapsed.TotalMilliseconds * 1e6 / $Iters
    }
    Emit $id $out $Iters
}
# Mimecast's sample, line for line.
function Sample-Headers {
    $hdrDate = (Get-Date).ToUniversalTime().ToString("ddd, dd MMM yyyy HH:mm:ss UTC")
    $requestId = [guid]::NewGuid().guid
    $sha = New-Object System.Security.Cryptography.HMACSHA1
    $sha.key = [Convert]::FromBase64String($secretKey)
    $sig = $sha.ComputeHash([Text.Encoding]::UTF8.GetBytes($hdrDate + ":" + $requestId + ":" + $uri + ":" + $appKey))
    $sig = [Convert]::ToBase64String($sig)
    @{"Authorization" = "MC " + $accessKey + ":" + $sig; "x-mc-date" = $hdrDate; "x-mc-app-id" = $appId;
      "x-mc-req-id" = $requestId; "Content-Type" = "application/json"}
}
$module = $null
if ($ModulePath -and (Test-Path $ModulePath)) {
    try { $module = Import-Module $ModulePath -PassThru } catch { $moduleError = $_.Exception.Message }
} else { $moduleError = "module not found at '$ModulePath'" }

if ($Mode -eq "sign") {
    if ($module) {
        try {
            $env:MIMECAST_BASE_URL = "https://eu-api.mimecast.com"; $env:MIMECAST_APP_ID = $appId; $env:MIMECAST_APP_KEY = $appKey
            $env:MIMECAST_ACCESS_KEY = $accessKey; $env:MIMECAST_SECRET_KEY = $secretKey
            Connect-Mimecast -FromEnvironment
            $null = Get-MimecastAuthHeader -Path $uri
            Measure-Op "ps.sign.module" { Get-MimecastAuthHeader -Path $uri }
        } catch { Unavailable "ps.sign.module" ("Get-MimecastAuthHeader failed: " + $_.Exception.Message) }
    } else { Unavailable "ps.sign.module" $moduleError }
    Measure-Op "ps.ref.sign" { Sample-Headers }
} elseif ($Mode -eq "rt") {
    $postBody = "{`n ""data"": [`n ]`n}"
    if ($module) {
        try {
            $env:MIMECAST_BASE_URL = $Url; $env:MIMECAST_APP_ID = $appId; $env:MIMECAST_APP_KEY = $appKey
            $env:MIMECAST_ACCESS_KEY = $accessKey; $env:MIMECAST_SECRET_KEY = $secretKey
            Connect-Mimecast -FromEnvironment -Proxy ""
            $null = Get-MimecastAccount
            Measure-Op "ps.rt.module" { Get-MimecastAccount }
        } catch { Unavailable "ps.rt.module" ("Get-MimecastAccount failed: " + $_.Exception.Message) }
    } else { Unavailable "ps.rt.module" $moduleError }
    Measure-Op "ps.ref.rt" { Invoke-RestMethod -Method Post -Headers (Sample-Headers) -Body $postBody -Uri ($Url + $uri) -NoProxy }
} elseif ($Mode -eq "siem") {
    # The SIEM pull of bench/c/siem_pull.c (API 2.0 batch, pages of 10 files, from the emulator at -Url) through
    # Get-MimecastSiemEvent, twice: -AsJson (each event's JSON text down the pipeline; Measure-Object sums the lengths,
    # = bytes for these ASCII events) and objects (each event parsed once into a PSCustomObject; the same events, so
    # the same bytes). CPU time and peak working set of this process (pwsh itself is ~100 MiB of it).
    if ($module) {
        try {
            $client = [Mimecast.MimecastClient]::ForOAuth("emulator-client-id-0001", "emulator-client-secret-s3cr3t-0001", $Url)
            $self = [Diagnostics.Process]::GetCurrentProcess()
            $bytes = 0
            # Warm-up (JIT of the module and the pipeline): a few batches of both forms, not reported.
            $warm = @{ Kind = "Batch"; Start = "2026-11-30"; PageSize = 10; Client = $client; ErrorAction = "Stop" }
            $null = Get-MimecastSiemEvent @warm -AsJson | Select-Object -First 20000
            $null = Get-MimecastSiemEvent @warm | Select-Object -First 20000
            foreach ($id in "ps.siem.json", "ps.siem.objects") {
                $self.Refresh(); $cpu0 = $self.TotalProcessorTime; $sw = [Diagnostics.Stopwatch]::StartNew()
                $pull = @{ Kind = "Batch"; Start = "2026-11-30"; PageSize = 10; Client = $client; ErrorAction = "Stop" }
                if ($id -eq "ps.siem.json") { $m = Get-MimecastSiemEvent @pull -AsJson | Measure-Object -Property Length -Sum; $bytes = [long]$m.Sum }
                else { $m = Get-MimecastSiemEvent @pull | Measure-Object }
                $wall = $sw.Elapsed.TotalSeconds; $self.Refresh(); $cpu = ($self.TotalProcessorTime - $cpu0).TotalSeconds
                [ordered]@{ id = $id; events = $m.Count; bytes = $bytes; cpu_s = [math]::Round($cpu, 3); wall_s = [math]::Round($wall, 3)
                    mb_per_cpu_s = [math]::Round($bytes / 1e6 / $cpu, 1); mb_per_wall_s = [math]::Round($bytes / 1e6 / $wall, 1)
                    events_per_cpu_s = [math]::Round($m.Count / $cpu); maxrss_kib = [long]($self.PeakWorkingSet64 / 1024) } | ConvertTo-Json -Compress
            }
        } catch { Unavailable "ps.siem.json" ("Get-MimecastSiemEvent failed: " + $_.Exception.Message) }
    } else { Unavailable "ps.siem.json" $moduleError }
}
