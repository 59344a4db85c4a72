# The PowerShell examples of the READMEs run against the emulator, as written: a block runs here when the line before
# its fence is <!-- example: NAME ... -->. The examples' variables ($appId, $appKey, $cred) are set here, and the
# discovery host is the emulator through $PSDefaultParameterValues, as a user behind a gateway would set it.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    function Get-ReadmeExample([string] $Readme, [string] $Name) {
        $text = Get-Content -LiteralPath (Join-Path $Repo $Readme) -Raw
        $found = [regex]::Matches($text, '<!-- example: ' + [regex]::Escape($Name) + '\b[^\n]*-->\r?\n```powershell\r?\n(.*?)\r?\n```', 'Singleline')
        $found.Count | Should -Be 1 -Because "$Readme must have one block marked 'example: $Name'"
        $found[0].Groups[1].Value
    }
    function Invoke-ReadmeExample([string] $Code) {
        $appId = $Keys.AppId
        $appKey = $Keys.AppKey
        $cred = [pscredential]::new($Keys.AccessKey, (ConvertTo-TestSecureString $Keys.SecretKey))
        $PSDefaultParameterValues = @{ 'Find-MimecastRegion:DiscoveryUrl' = $Url; 'Connect-Mimecast:DiscoveryUrl' = $Url }
        $ErrorActionPreference = 'Stop'
        @(. ([scriptblock]::Create($Code)) | ForEach-Object { "$_" })
    }
}

AfterAll {
    Disconnect-Mimecast
}

Describe 'README examples' {
    BeforeEach {
        Reset-Emulator
        Disconnect-Mimecast
        Push-Location -LiteralPath $TestDrive -StackName ReadmeTests
    }
    AfterEach {
        Pop-Location -StackName ReadmeTests
    }

    It 'runs the rest example of bindings/powershell/README.md' {
        $out = Invoke-ReadmeExample (Get-ReadmeExample 'bindings/powershell/README.md' 'rest')
        $ids = Get-EmulatorSiemEvents
        $k = $ids.Count
        $out[0] | Should -Be $Url
        $out[1..$k] | Should -Be $ids
        $out[($k + 1)..($k + 2)] | Should -Be @('https://phish.example.net/3', 'https://phish.example.net/6')
        $m = [regex]::Match($out[$k + 3], '^(\d+) answers, the last one: application/json$')
        $m.Success | Should -BeTrue -Because $out[$k + 3]
        $answers = [int]$m.Groups[1].Value
        $answers | Should -BeGreaterOrEqual 3
        $out[$k + 4] | Should -Be '405 application/json' -Because 'API 1.0 paths take POST: the answer is returned, not an error'
        $out.Count | Should -Be ($k + 5)
        foreach ($i in 0..($answers - 2)) { (Get-Item -LiteralPath (Join-Path $TestDrive "siem-$i.zip")).Length | Should -BeGreaterThan 0 }
        (Get-EmulatorStats).requests | Should -BeGreaterThan 5
    }

    It 'runs the siem example of bindings/powershell/README.md: 10 events, then the rest from the checkpoint' {
        $out = Invoke-ReadmeExample (Get-ReadmeExample 'bindings/powershell/README.md' 'siem')
        $ids = Get-EmulatorSiemEvents
        $out.Count | Should -Be 11
        $out[0..9] | Should -Be $ids[0..9]
        $m = [regex]::Match($out[10], '^then (\d+) more, to (.+)$')
        $m.Success | Should -BeTrue -Because $out[10]
        $m.Groups[2].Value | Should -Be $ids[-1]
        $more = [int]$m.Groups[1].Value
        $more | Should -BeGreaterOrEqual ($ids.Count - 10) -Because 'nothing after the 10th event is lost'
        $more | Should -BeLessThan $ids.Count -Because 'the first run acknowledged at least one batch'
        Test-Path -LiteralPath (Join-Path $TestDrive 'mta.checkpoint') | Should -BeTrue
    }

    It 'runs the powershell example of the root README.md' {
        $out = Invoke-ReadmeExample (Get-ReadmeExample 'README.md' 'powershell')
        $out | Should -Contain $Url
        ($out -join "`n") | Should -BeLike "*id=$((Get-EmulatorSiemEvents)[-1]);*"
        ($out -join "`n") | Should -BeLike '*url=https://phish.example.net/7; action=allow*'
        (Test-Path -LiteralPath (Join-Path $TestDrive 'siem-0.zip')) | Should -BeTrue
        $out[-1] | Should -Not -BeNullOrEmpty -Because 'the token of the next call is printed'
    }
}
