@{
    # The cmdlets are compiled (lib/Mimecast.PowerShell.dll, netstandard2.0 against PowerShell Standard 5.1) over the
    # Mimecast .NET library (lib/Mimecast.dll) and libmimecast (lib/runtimes/<rid>/native/). build.ps1 assembles the
    # module folder and writes ModuleVersion from Cargo.toml, the one place the version is kept.
    RootModule             = 'lib/Mimecast.PowerShell.dll'
    ModuleVersion          = '0.0.0'
    GUID                   = '3b0d7c52-9a41-4f1e-8c7a-5d2f6e9b1a40'
    Author                 = 'mimecast project'
    CompanyName            = 'mimecast project'
    Copyright              = 'Copyright (c) 2026 the libmimecast contributors. Licensed under the MIT licence or the Apache License 2.0, at your option.'
    Description            = 'PowerShell commands for the Mimecast email-security API (API 1.0 request signing, API 2.0 OAuth), compiled cmdlets over the Mimecast .NET library and libmimecast: Connect-Mimecast (also from an email address), Find-MimecastRegion, Get-MimecastAccount, Invoke-MimecastApi (any method, query, headers and body; files with -OutFile; pipeline input; log and API 2.0 pagination; -WhatIf), Get-MimecastSiemEvent (SIEM events of API 1.0 and 2.0 streamed down the pipeline, resumable from a checkpoint file, -Follow), Get-MimecastAuthHeader. Ctrl+C stops any call in flight.'
    # One assembly for both editions. Desktop: Windows PowerShell 5.1 on .NET Framework 4.7.2 or later (the oldest
    # .NET Framework with full netstandard2.0 support); Core: PowerShell 7.
    PowerShellVersion      = '5.1'
    CompatiblePSEditions   = @('Core', 'Desktop')
    DotNetFrameworkVersion = '4.7.2'
    CLRVersion             = '4.0'
    # Loaded at import so that scripts can use [Mimecast.MimecastClient] and the exception types right away.
    RequiredAssemblies     = @('lib/Mimecast.dll')
    TypesToProcess         = @('Mimecast.types.ps1xml')
    FormatsToProcess       = @('Mimecast.format.ps1xml')
    CmdletsToExport        = @(
        'Connect-Mimecast'
        'Disconnect-Mimecast'
        'Find-MimecastRegion'
        'Get-MimecastAccount'
        'Get-MimecastAuthHeader'
        'Get-MimecastSiemEvent'
        'Invoke-MimecastApi'
    )
    FunctionsToExport      = @()
    VariablesToExport      = @()
    AliasesToExport        = @()
    PrivateData            = @{
        PSData = @{
            Tags         = @('Mimecast', 'Email', 'Security', 'API', 'HMAC', 'OAuth', 'PSEdition_Core', 'PSEdition_Desktop', 'Windows', 'Linux')
            # ProjectUri and LicenseUri are written by build.ps1 from Cargo.toml's `repository` (one place for the URL).
            ReleaseNotes = 'Get-MimecastSiemEvent streams SIEM events (API 1.0 get-siem-logs, API 2.0 batch and streaming) down the pipeline, resuming from a -Checkpoint file saved after each batch whose events all went down the pipeline; -Follow keeps polling; progress in the progress and verbose streams. Ctrl+C (or stopping the pipeline) now cancels the call in flight of every command instead of waiting for its timeout. Earlier: Invoke-MimecastApi sends any request (-Method, -Query, -Headers, -Body with -ContentType), saves file answers with -OutFile (the token headers on the output object), returns the HTTP answer with -Raw or -ResponseMode, and with -All streams log entries (clickLogs...) and API 2.0 pages; a GET never asks for confirmation. Find-MimecastRegion and Connect-Mimecast -EmailAddress find the account''s region. Earlier: the commands are now compiled cmdlets. Errors are non-terminating (-ErrorAction and -ErrorVariable apply; not being connected still stops); Invoke-MimecastApi supports -WhatIf/-Confirm and takes -Data from the pipeline (Import-Csv | Invoke-MimecastApi -Path ...); -BaseUrl and -Path complete; Get-MimecastAuthHeader returns a Mimecast.AuthHeader dictionary that never displays the Authorization value; FullyQualifiedErrorId ends in the cmdlet class (Mimecast.RateLimited,Mimecast.Commands.GetMimecastAccountCommand). The module carries libmimecast for linux-x64, linux-arm64 and win-x64 when built with them. See the README for details.'
        }
    }
}
