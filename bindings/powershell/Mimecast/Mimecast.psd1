@{
    RootModule           = 'Mimecast.psm1'
    # Kept equal to Cargo.toml's [package] version (build.ps1 and a Pester test check it).
    ModuleVersion        = '0.1.0'
    GUID                 = '3b0d7c52-9a41-4f1e-8c7a-5d2f6e9b1a40'
    Author               = 'mimecast project'
    CompanyName          = 'mimecast project'
    Copyright            = 'MIT OR Apache-2.0'
    Description          = 'PowerShell commands for the Mimecast email-security API (API 1.0 request signing, API 2.0 OAuth), built on the Mimecast .NET library over libmimecast: Connect-Mimecast, Get-MimecastAccount, Invoke-MimecastApi (with pagination), Get-MimecastAuthHeader.'
    PowerShellVersion    = '5.1'
    CompatiblePSEditions = @('Core', 'Desktop')
    DotNetFrameworkVersion = '4.6.2'
    FunctionsToExport    = @(
        'Connect-Mimecast'
        'Disconnect-Mimecast'
        'Get-MimecastAccount'
        'Get-MimecastAuthHeader'
        'Invoke-MimecastApi'
    )
    CmdletsToExport      = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags       = @('Mimecast', 'Email', 'Security', 'API', 'HMAC', 'OAuth', 'PSEdition_Core', 'PSEdition_Desktop', 'Linux')
        }
    }
}
