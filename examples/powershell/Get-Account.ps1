<#
.SYNOPSIS
Mimecast "Get Account" with the Mimecast PowerShell module: the module's version of Mimecast's PowerShell sample.

.DESCRIPTION
Part 1 connects with Connect-Mimecast and prints the account (Get-MimecastAccount).
Part 2 is for people with their own HTTP code: Get-MimecastAuthHeader builds the signed headers that Mimecast's
sample computes by hand (HMAC-SHA1), and Invoke-RestMethod sends the request.

The variables at the top default to the MIMECAST_* environment variables. Against the local emulator:

    python3 tests/mimecast_emulator.py --port 0      # prints MIMECAST_EMULATOR_READY <url>
    $env:MIMECAST_BASE_URL = '<url>'                  # keys: DEFAULT_KEYS in tests/mimecast_emulator.py
    ...
    pwsh examples/powershell/Get-Account.ps1

.PARAMETER ModulePath
The module manifest to import (default: the packaged module bindings/powershell/out/Mimecast/Mimecast.psd1, built
by bindings/powershell/build.ps1; an installed module named Mimecast is used when that file does not exist).
#>
[CmdletBinding()]
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../../bindings/powershell/out/Mimecast/Mimecast.psd1')
)
$ErrorActionPreference = 'Stop'

#Setup required variables
$baseUrl = $env:MIMECAST_BASE_URL           # e.g. https://eu-api.mimecast.com (part 1 also takes a region name)
$uri = "/api/account/get-account"
$url = $baseUrl + $uri
$accessKey = $env:MIMECAST_ACCESS_KEY       # "YOUR ACCESS KEY"
$secretKey = $env:MIMECAST_SECRET_KEY       # "YOUR SECRET KEY"
$appId = $env:MIMECAST_APP_ID               # "YOUR APPLICATION ID"
$appKey = $env:MIMECAST_APP_KEY             # "YOUR APPLICATION KEY"

foreach ($name in 'baseUrl', 'accessKey', 'secretKey', 'appId', 'appKey') {
    if (-not (Get-Variable -Name $name -ValueOnly)) {
        throw "`$$name is empty: set the MIMECAST_* environment variables or edit the variables at the top of this script."
    }
}

if (Test-Path -LiteralPath $ModulePath) { Import-Module -Name $ModulePath } else { Import-Module -Name Mimecast }

# --- 1. With the module: connect, then call ---------------------------------------------------------------------
# (Connect-Mimecast -FromEnvironment does the same from the MIMECAST_* variables.)
$secureSecret = ConvertTo-SecureString -String $secretKey -AsPlainText -Force
Connect-Mimecast -BaseUrl $baseUrl -ApplicationId $appId -ApplicationKey $appKey -AccessKey $accessKey -SecretKey $secureSecret -TimeoutSec 30
try {
    #Send Request and print the response
    $account = Get-MimecastAccount
    $account | Format-List
    "{0} ({1}): {2} users, region {3}" -f $account.AccountName, $account.AccountCode, $account.UserCount, $account.Region

    # --- 2. Your own HTTP code: signed headers from the module, request with Invoke-RestMethod --------------------
    #Create Headers (Authorization, x-mc-date, x-mc-req-id, x-mc-app-id, Content-Type, Accept)
    $headers = Get-MimecastAuthHeader -Path $uri

    #Create post body
    $postBody = "{
                    ""data"": [
                    ]
                }"

    #Send Request
    $response = Invoke-RestMethod -Method Post -Headers $headers -Body $postBody -Uri $url

    #Print the response
    $response.data | Select-Object accountName, accountCode, region, userCount
}
finally {
    Disconnect-Mimecast
}
