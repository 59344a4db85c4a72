# Runs the module's Pester tests (called by run-tests.sh, which sets MIMECAST_TEST_* and starts the emulators).
# Prints "N passed, M failed" as the last line; exit status 1 on any failed, skipped or not-run test.
param(
    [Parameter(Mandatory = $true)] [string] $PesterPath,
    [Parameter(Mandatory = $true)] [string] $TestsPath
)
$ErrorActionPreference = 'Stop'
Import-Module -Name $PesterPath -Force

$config = New-PesterConfiguration
$config.Run.Path = @($TestsPath -split ',')
$config.Run.PassThru = $true
$config.Run.Exit = $false
$config.Output.Verbosity = 'Detailed'
$result = Invoke-Pester -Configuration $config

$passed = $result.PassedCount
# A skipped or not-run test, or a failed BeforeAll/container, counts as a failure: every test must run.
$failed = $result.FailedCount + $result.SkippedCount + $result.NotRunCount + $result.FailedBlocksCount + $result.FailedContainersCount
if ($result.TotalCount -eq 0) { $failed++ }
'{0} passed, {1} failed' -f $passed, $failed
if ($failed -gt 0) { exit 1 }
exit 0
