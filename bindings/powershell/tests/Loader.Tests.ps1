# Which libmimecast the module loads, on every platform: the choice is the C# library's resolver (reused, not
# duplicated), tested here as a function of OS and architecture against the module's layout.
BeforeDiscovery {
    $platformCases = @(
        @{ Os = 'linux'; Arch = 'X64'; Rid = 'linux-x64'; File = 'libmimecast.so'; Build = 'target/release/libmimecast.so'; Magic = 'ELF x86-64' }
        @{ Os = 'linux'; Arch = 'Arm64'; Rid = 'linux-arm64'; File = 'libmimecast.so'; Build = 'target/aarch64-unknown-linux-gnu/release/libmimecast.so'; Magic = 'ELF aarch64' }
        @{ Os = 'win'; Arch = 'X64'; Rid = 'win-x64'; File = 'mimecast.dll'; Build = 'target/x86_64-pc-windows-gnu/release/mimecast.dll'; Magic = 'PE x86-64' }
        @{ Os = 'win'; Arch = 'Arm64'; Rid = 'win-arm64'; File = 'mimecast.dll'; Build = $null; Magic = $null }
        @{ Os = 'osx'; Arch = 'X64'; Rid = 'osx-x64'; File = 'libmimecast.dylib'; Build = $null; Magic = $null }
        @{ Os = 'osx'; Arch = 'Arm64'; Rid = 'osx-arm64'; File = 'libmimecast.dylib'; Build = $null; Magic = $null }
    )
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $loader = [Mimecast.MimecastClient].Assembly.GetType('Mimecast.Native.NativeLibraryLoader', $true)
    $candidatePaths = $loader.GetMethod('CandidatePaths', [System.Reflection.BindingFlags]'NonPublic, Static', $null,
        [type[]]@([string], [string], [string], [System.Runtime.InteropServices.Architecture]), $null)
    $lib = Join-Path $ModuleDir 'lib'

    function Get-BinaryKind([string] $Path) {
        # What a native library is built for, from its header: ELF e_machine or PE machine.
        $b = [System.IO.File]::ReadAllBytes($Path)
        if ($b[0] -eq 0x7F -and $b[1] -eq 0x45 -and $b[2] -eq 0x4C -and $b[3] -eq 0x46) {
            $machine = [BitConverter]::ToUInt16($b, 18)
            return @{ 62 = 'ELF x86-64'; 183 = 'ELF aarch64' }[[int]$machine]
        }
        if ($b[0] -eq 0x4D -and $b[1] -eq 0x5A) {
            $pe = [BitConverter]::ToInt32($b, 0x3C)
            $machine = [BitConverter]::ToUInt16($b, $pe + 4)
            return @{ 0x8664 = 'PE x86-64'; 0xAA64 = 'PE arm64' }[[int]$machine]
        }
        return 'unknown'
    }
}

Describe 'Native library choice for <Os> <Arch>' -ForEach $platformCases {
    BeforeAll {
        $paths = @($candidatePaths.Invoke($null, [object[]]@($null, [string]$lib, [string]$Os, [System.Runtime.InteropServices.Architecture][string]$Arch)))
        $expected = Join-Path $lib "runtimes/$Rid/native/$File"
    }

    It 'probes lib/runtimes/<Rid>/native/<File> and no other platform''s folder' {
        $paths | Should -Contain $expected
        foreach ($p in $paths) {
            if ($p -like '*runtimes*') { $p | Should -BeLike "*runtimes?${Rid}?native?$File" }
            else { Split-Path -Leaf $p | Should -Be $File }
        }
    }

    It 'ships that file exactly when the build produced it, built for that platform' {
        $built = $Build -and (Test-Path -LiteralPath (Join-Path $Repo $Build))
        Test-Path -LiteralPath $expected | Should -Be ([bool]$built)
        if ($built) {
            Get-BinaryKind $expected | Should -Be $Magic
            (Get-FileHash -LiteralPath $expected).Hash | Should -Be (Get-FileHash -LiteralPath (Join-Path $Repo $Build)).Hash
        }
    }
}

Describe 'Native library selection' {
    It 'puts MIMECAST_LIBRARY first' {
        $paths = @($candidatePaths.Invoke($null, [object[]]@('/opt/custom/libmimecast.so', [string]$lib, 'linux', [System.Runtime.InteropServices.Architecture]::X64)))
        $paths[0] | Should -Be '/opt/custom/libmimecast.so'
    }

    It 'ships no library folder the resolver would not probe' {
        $rids = @(Get-ChildItem -LiteralPath (Join-Path $lib 'runtimes') -Directory | ForEach-Object Name)
        $rids | Should -Contain 'linux-x64'
        foreach ($rid in $rids) { $rid | Should -BeIn @('linux-x64', 'linux-arm64', 'win-x64') }
    }

    It 'loads the library named by MIMECAST_LIBRARY in a fresh process' {
        $native = Join-Path $Repo 'target/release/libmimecast.so'
        $r = Invoke-TestPwsh -Script "Import-Module '$(Join-Path $ModuleDir 'Mimecast.psd1')'; [Mimecast.MimecastClient]::NativeLibraryPath" -Environment @{ MIMECAST_LIBRARY = $native }
        $r.ExitCode | Should -Be 0 -Because ($r.Output -join "`n")
        $r.Output[-1] | Should -Be $native
    }

    It 'reports a MIMECAST_LIBRARY that cannot be loaded, naming it, as NotInstalled' {
        $missing = Join-Path $TestDrive 'nowhere/libmimecast.so'
        $script = "Import-Module '$(Join-Path $ModuleDir 'Mimecast.psd1')'; Connect-Mimecast -FromEnvironment -ErrorVariable ev -ErrorAction SilentlyContinue; `$ev[0].FullyQualifiedErrorId; `$ev[0].CategoryInfo.Category; `$ev[0].Exception.Message"
        $r = Invoke-TestPwsh -Script $script -Environment @{ MIMECAST_LIBRARY = $missing }
        $r.Output[0] | Should -Be (Get-TestErrorId 'Mimecast.NativeLibraryNotFound' 'Connect-Mimecast')
        $r.Output[1] | Should -Be 'NotInstalled'
        $r.Output[2] | Should -BeLike "*MIMECAST_LIBRARY*$missing*"
    }

    It 'says where it looked when the module has no library for this platform' {
        $copy = Join-Path $TestDrive 'no-native/Mimecast'
        Copy-Item -LiteralPath $ModuleDir -Destination $copy -Recurse
        Remove-Item -LiteralPath (Join-Path $copy 'lib/runtimes') -Recurse -Force
        $script = "Import-Module '$(Join-Path $copy 'Mimecast.psd1')'; Get-MimecastAuthHeader -Path /api/x -ApplicationId a -ApplicationKey b -AccessKey c -SecretKey (ConvertTo-SecureString AAAA -AsPlainText -Force) -ErrorVariable ev -ErrorAction SilentlyContinue; `$ev[0].CategoryInfo.Category; `$ev[0].Exception.Message; `$ev[0].ErrorDetails.RecommendedAction"
        $r = Invoke-TestPwsh -Script $script -Environment @{ MIMECAST_LIBRARY = $null; LD_LIBRARY_PATH = $null }
        $r.Output[0] | Should -Be 'NotInstalled'
        $message = $r.Output[1]
        $message | Should -BeLike '*could not be loaded*Tried:*'
        $message | Should -BeLike "*$(Join-Path $copy 'lib/runtimes/linux-x64/native/libmimecast.so') (no such file)*"
        $message | Should -BeLike '*MIMECAST_LIBRARY*'
        $r.Output[2] | Should -BeLike '*MIMECAST_LIBRARY*'
    }
}
