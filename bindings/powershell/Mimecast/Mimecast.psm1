# Mimecast PowerShell module: commands over the Mimecast .NET library (lib/Mimecast.dll), which itself calls
# libmimecast. There is no P/Invoke here: every call goes through Mimecast.MimecastClient.
# Windows PowerShell 5.1 syntax only (no ternaries, no ??, no classes that name Mimecast types).
Set-StrictMode -Version Latest

#region Loading the .NET library

$script:ModuleLibDirectory = Join-Path -Path $PSScriptRoot -ChildPath 'lib'

function Initialize-MimecastAssembly {
    # Finds and loads Mimecast.dll. Packaged module: lib/Mimecast.dll with the native library under
    # lib/runtimes/<rid>/native/ (found by the .NET library's own resolver). Source checkout (module folder not built
    # with build.ps1): the C# build output and target/release/ of the repository, pointed to with MIMECAST_LIBRARY.
    $dll = Join-Path -Path $script:ModuleLibDirectory -ChildPath 'Mimecast.dll'
    if (-not (Test-Path -LiteralPath $dll)) {
        $repoRoot = [System.IO.Path]::GetFullPath((Join-Path -Path $PSScriptRoot -ChildPath '../../..'))
        $devDll = Join-Path -Path $repoRoot -ChildPath 'bindings/csharp/Mimecast/bin/Release/netstandard2.0/Mimecast.dll'
        if (-not (Test-Path -LiteralPath $devDll)) {
            throw ("Mimecast.dll was not found in '{0}'. Build the module with bindings/powershell/build.ps1 and import " +
                "bindings/powershell/out/Mimecast/Mimecast.psd1 (or build the C# library: dotnet build " +
                "bindings/csharp/Mimecast/Mimecast.csproj -c Release).") -f $script:ModuleLibDirectory
        }
        $dll = $devDll
        $script:ModuleLibDirectory = Split-Path -Path $devDll -Parent
        if (-not [Environment]::GetEnvironmentVariable('MIMECAST_LIBRARY')) {
            foreach ($name in @('libmimecast.so', 'mimecast.dll', 'libmimecast.dylib')) {
                $native = Join-Path -Path $repoRoot -ChildPath ('target/release/' + $name)
                if (Test-Path -LiteralPath $native) {
                    [Environment]::SetEnvironmentVariable('MIMECAST_LIBRARY', $native)
                    break
                }
            }
        }
    }

    if ('Mimecast.MimecastClient' -as [type]) { return }

    if ($PSVersionTable.PSEdition -eq 'Desktop') {
        # .NET Framework has no binding redirects for a module: resolve the netstandard2.0 dependencies shipped in
        # lib/ (System.Text.Json, System.Memory, ...) by simple name, whatever version was asked for.
        $libDir = $script:ModuleLibDirectory
        $script:AssemblyResolveHandler = [System.ResolveEventHandler] {
            param($sender, $eventArgs)
            $simpleName = (New-Object -TypeName System.Reflection.AssemblyName -ArgumentList $eventArgs.Name).Name
            $candidate = [System.IO.Path]::Combine($libDir, $simpleName + '.dll')
            if ([System.IO.File]::Exists($candidate)) { return [System.Reflection.Assembly]::LoadFrom($candidate) }
            return $null
        }.GetNewClosure()
        [System.AppDomain]::CurrentDomain.add_AssemblyResolve($script:AssemblyResolveHandler)
    }
    Add-Type -LiteralPath $dll
}

Initialize-MimecastAssembly

#endregion

#region Module state, logging, type data

# The connection made by Connect-Mimecast (a Mimecast.Connection object holding the client), or $null.
$script:MimecastConnection = $null

# Native log lines land here (the library calls the logger on the thread making the request). Only the commands
# below, on the pipeline thread, move them to the verbose stream: Write-Verbose is never called from the logger.
$script:LogQueue = New-Object -TypeName 'System.Collections.Concurrent.ConcurrentQueue[string]'

function New-MimecastLogger {
    # Returns the Action[MimecastLogLevel,string] given to MimecastClientOptions.Logger. It only enqueues (bounded).
    # If the library ever called it on a thread without a runspace, the call fails and the library swallows it.
    $queue = $script:LogQueue
    $logger = {
        param($Level, $Message)
        if ($queue.Count -lt 1000) { $queue.Enqueue(('{0}: {1}' -f $Level, $Message)) }
    }.GetNewClosure()
    return [System.Action[Mimecast.MimecastLogLevel, string]]$logger
}

function Write-MimecastLog {
    # Moves queued native log lines to the verbose stream of the calling command.
    param([Parameter(Mandatory = $true)] $Cmdlet)
    $line = $null
    while ($script:LogQueue.TryDequeue([ref]$line)) {
        $Cmdlet.WriteVerbose('libmimecast ' + $line)
    }
}

Update-TypeData -TypeName 'Mimecast.Account' -DefaultDisplayPropertySet @(
    'AccountName', 'AccountCode', 'Region', 'UserCount', 'AdminEmail', 'MimecastId', 'MailPlatform', 'Type', 'Packages'
) -Force
Update-TypeData -TypeName 'Mimecast.Connection' -DefaultDisplayPropertySet @('Api', 'Source', 'BaseUrl', 'ConnectedAt') -Force

#endregion

#region Private helpers

function ConvertFrom-MimecastSecureString {
    param([System.Security.SecureString] $SecureString)
    if ($null -eq $SecureString) { return $null }
    return (New-Object -TypeName System.Net.NetworkCredential -ArgumentList '', $SecureString).Password
}

function Resolve-MimecastFilePath {
    # Resolves a path against PowerShell's current location (not the process' working directory).
    param([Parameter(Mandatory = $true)] $Cmdlet, [Parameter(Mandatory = $true)] [string] $Path)
    return $Cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath($Path)
}

function Get-MimecastInnerException {
    # PowerShell wraps exceptions thrown by .NET methods (MethodInvocationException, ...): find the library's one.
    param($InputObject)
    $ex = $InputObject
    if ($ex -is [System.Management.Automation.ErrorRecord]) { $ex = $ex.Exception }
    while ($null -ne $ex -and $null -ne $ex.InnerException -and
        ($ex -is [System.Management.Automation.ExtendedTypeSystemException] -or
         $ex -is [System.Reflection.TargetInvocationException] -or
         $ex -is [System.AggregateException] -or
         $ex -is [System.TypeInitializationException])) {
        $ex = $ex.InnerException
    }
    return $ex
}

function New-MimecastErrorRecord {
    # Turns an exception from the library into an ErrorRecord with a fitting category, an id such as
    # Mimecast.RateLimited (PowerShell appends ",<command>"), the path as target, and a message without secrets
    # (the library's messages never contain keys, tokens or Authorization values).
    param($InputObject, $TargetObject)
    $ex = Get-MimecastInnerException -InputObject $InputObject
    $category = [System.Management.Automation.ErrorCategory]::NotSpecified
    $id = 'Mimecast.Error'
    $message = $ex.Message
    $action = $null

    if ($ex -is [Mimecast.MimecastException]) {
        $id = 'Mimecast.' + $ex.Status
        if ($ex -is [Mimecast.MimecastBindingExpiredException]) {
            $category = [System.Management.Automation.ErrorCategory]::AuthenticationError
            $action = 'The binding of this access key and secret key has expired: create new access and secret keys for the application in the Mimecast Administration Console, then run Connect-Mimecast with them.'
            $message = $message + ' ' + $action
        }
        elseif ($ex -is [Mimecast.MimecastAuthenticationException]) {
            $category = [System.Management.Automation.ErrorCategory]::AuthenticationError
            if ($ex.HttpStatus -eq 403) {
                $action = 'Check that the API application and the user behind the access key have the permission this endpoint needs.'
            }
            else {
                $action = 'Check the application id and key, the access and secret keys (or the OAuth client id and secret), the base URL of your region, and the computer clock.'
            }
        }
        elseif ($ex -is [Mimecast.MimecastRateLimitedException]) {
            $category = [System.Management.Automation.ErrorCategory]::LimitsExceeded
            if ($null -ne $ex.RetryAfter) {
                $seconds = $ex.RetryAfter.TotalSeconds.ToString('0.###', [System.Globalization.CultureInfo]::InvariantCulture)
                $message = '{0}. Retry after {1} s.' -f $message.TrimEnd('.'), $seconds
                $action = 'Wait {0} s before calling again, or connect with a higher -MaxRetries.' -f $seconds
            }
            else {
                $action = 'Wait before calling again, or connect with a higher -MaxRetries.'
            }
        }
        elseif ($ex -is [Mimecast.MimecastApiException]) {
            if ($ex.Status -eq [Mimecast.MimecastStatus]::ApiFailure) {
                if ($ex.ErrorCode -and $ex.ErrorCode.StartsWith('err_validation')) {
                    $category = [System.Management.Automation.ErrorCategory]::InvalidArgument
                }
                else {
                    $category = [System.Management.Automation.ErrorCategory]::InvalidOperation
                }
            }
            elseif ($ex.HttpStatus -ge 500) {
                $category = [System.Management.Automation.ErrorCategory]::ResourceUnavailable
                $action = 'The Mimecast service failed; try again later.'
            }
            else {
                $category = [System.Management.Automation.ErrorCategory]::InvalidResult
            }
        }
        elseif ($ex -is [Mimecast.MimecastTimeoutException]) {
            $category = [System.Management.Automation.ErrorCategory]::OperationTimeout
            $action = 'Connect with a larger -TimeoutSec, or check the network path to the Mimecast API.'
        }
        elseif ($ex -is [Mimecast.MimecastTlsException]) {
            $category = [System.Management.Automation.ErrorCategory]::ConnectionError
            $action = 'If a TLS-inspecting proxy or a private CA signs the certificate, connect with -CaBundle <PEM file of that CA>.'
        }
        elseif ($ex -is [Mimecast.MimecastTransportException]) {
            $category = [System.Management.Automation.ErrorCategory]::ConnectionError
            $action = 'Check the base URL, the network, and the proxy (-Proxy, HTTPS_PROXY).'
        }
        elseif ($ex -is [Mimecast.MimecastResponseException]) {
            $category = [System.Management.Automation.ErrorCategory]::InvalidData
        }
        elseif ($ex -is [Mimecast.MimecastInvalidCredentialsException]) {
            $category = [System.Management.Automation.ErrorCategory]::InvalidArgument
            $action = 'The secret key must be the base64 text shown by the Mimecast Administration Console.'
        }
        elseif ($ex -is [Mimecast.MimecastConfigurationException]) {
            if ($ex.Status -eq [Mimecast.MimecastStatus]::IO) {
                $category = [System.Management.Automation.ErrorCategory]::ReadError
            }
            else {
                $category = [System.Management.Automation.ErrorCategory]::InvalidArgument
            }
        }
        elseif ($ex.Status -eq [Mimecast.MimecastStatus]::InvalidArgument) {
            $category = [System.Management.Automation.ErrorCategory]::InvalidArgument
        }
        elseif ($ex.Status -eq [Mimecast.MimecastStatus]::Unsupported) {
            $category = [System.Management.Automation.ErrorCategory]::NotImplemented
        }
    }
    elseif ($ex -is [System.ArgumentException]) {
        $id = 'Mimecast.InvalidArgument'
        $category = [System.Management.Automation.ErrorCategory]::InvalidArgument
    }
    elseif ($ex -is [System.ObjectDisposedException]) {
        $id = 'Mimecast.ClientDisposed'
        $category = [System.Management.Automation.ErrorCategory]::InvalidOperation
        $message = 'The Mimecast client was disposed (Disconnect-Mimecast). Run Connect-Mimecast again.'
    }
    elseif ($ex -is [System.DllNotFoundException]) {
        $id = 'Mimecast.NativeLibraryNotFound'
        $category = [System.Management.Automation.ErrorCategory]::NotInstalled
    }
    elseif ($ex -is [System.NotSupportedException]) {
        $id = 'Mimecast.NotSupported'
        $category = [System.Management.Automation.ErrorCategory]::NotImplemented
    }

    $record = New-Object -TypeName System.Management.Automation.ErrorRecord -ArgumentList $ex, $id, $category, $TargetObject
    $record.ErrorDetails = New-Object -TypeName System.Management.Automation.ErrorDetails -ArgumentList $message
    if ($action) { $record.ErrorDetails.RecommendedAction = $action }
    return $record
}

function New-MimecastNotConnectedError {
    param($TargetObject)
    $ex = New-Object -TypeName System.InvalidOperationException -ArgumentList 'Not connected to Mimecast. Run Connect-Mimecast first, or pass a client with -Client.'
    $record = New-Object -TypeName System.Management.Automation.ErrorRecord -ArgumentList $ex, 'Mimecast.NotConnected', ([System.Management.Automation.ErrorCategory]::InvalidOperation), $TargetObject
    $record.ErrorDetails = New-Object -TypeName System.Management.Automation.ErrorDetails -ArgumentList $ex.Message
    $record.ErrorDetails.RecommendedAction = 'Run Connect-Mimecast (see Get-Help Connect-Mimecast -Examples).'
    return $record
}

function Get-MimecastClientOrNull {
    # The client passed with -Client, else the connected one, else $null.
    param($Client)
    if ($null -ne $Client) { return $Client }
    if ($null -ne $script:MimecastConnection -and -not $script:MimecastConnection.Client.IsDisposed) {
        return $script:MimecastConnection.Client
    }
    return $null
}

function ConvertFrom-MimecastJsonElement {
    # One data item (System.Text.Json.JsonElement) -> a PowerShell object (PSCustomObject for JSON objects).
    param($Element)
    $value = ConvertFrom-Json -InputObject $Element.GetRawText()
    if ($value -is [System.Management.Automation.PSCustomObject]) {
        $value.PSObject.TypeNames.Insert(0, 'Mimecast.ApiItem')
    }
    return , $value
}

function Get-MimecastDataItems {
    # Emits the items of a response's data array one by one.
    param($Response)
    $data = $Response.Data
    if ($data.ValueKind -eq [System.Text.Json.JsonValueKind]::Array) {
        foreach ($element in $data.EnumerateArray()) {
            ConvertFrom-MimecastJsonElement -Element $element
        }
    }
}

function Format-MimecastDate {
    # -Date of Get-MimecastAuthHeader: a [datetime] is formatted as x-mc-date wants; a string is used as given.
    param($Date)
    if ($Date -is [datetime] -or $Date -is [datetimeoffset]) {
        if ($Date -is [datetimeoffset]) { $utc = $Date.UtcDateTime } else { $utc = $Date.ToUniversalTime() }
        return $utc.ToString("ddd, dd MMM yyyy HH:mm:ss 'UTC'", [System.Globalization.CultureInfo]::InvariantCulture)
    }
    return [string]$Date
}

function Get-MimecastNullableString {
    # PowerShell turns $null into "" when calling a .NET method with a string parameter; [NullString] keeps null.
    param([AllowNull()] [AllowEmptyString()] [string] $Value)
    if ([string]::IsNullOrEmpty($Value)) { return [System.Management.Automation.Language.NullString]::Value }
    return $Value
}

#endregion

#region Public commands

function Connect-Mimecast {
    <#
    .SYNOPSIS
    Connects to the Mimecast API and keeps the client for the other Mimecast commands.

    .DESCRIPTION
    Creates a Mimecast client (API 1.0 keys or API 2.0 OAuth client credentials) and stores it in the module, so that
    Get-MimecastAccount, Invoke-MimecastApi and Get-MimecastAuthHeader use it. A client stored by an earlier
    Connect-Mimecast is disposed (its keys are wiped). Nothing is sent to Mimecast until a command makes a request;
    wrong keys show up then, as an AuthenticationError.

    Credentials come from one of:
    - the four API 1.0 keys (-ApplicationId, -ApplicationKey, -AccessKey, -SecretKey) or -Credential (user name =
      access key, password = secret key) with -BaseUrl;
    - -FromEnvironment: MIMECAST_BASE_URL, MIMECAST_APP_ID, MIMECAST_APP_KEY, MIMECAST_ACCESS_KEY,
      MIMECAST_SECRET_KEY, or MIMECAST_CLIENT_ID and MIMECAST_CLIENT_SECRET (API 2.0, wins when set);
    - -PostmanEnvironment: a Postman environment export with those values;
    - API 2.0: -ClientId and -ClientSecret, or -ClientCredential (user name = client id, password = client secret).

    Secrets are never written to any output stream. With -Verbose the command says which kind of connection it made
    and, later, the library's request log (with secrets redacted) appears in the verbose stream of each command.

    .PARAMETER BaseUrl
    The API base URL (https://host[:port], for example https://eu-api.mimecast.com) or a region name: eu, de, us, usb,
    uspcom, ca, za, au, offshore. For API 2.0 it is optional (default https://api.services.mimecast.com; region
    names global, uk, us).

    .PARAMETER ApplicationId
    The application id of the API 1.0 application (x-mc-app-id).

    .PARAMETER ApplicationKey
    The application key of the API 1.0 application.

    .PARAMETER AccessKey
    The access key of the user binding (API 1.0).

    .PARAMETER SecretKey
    The secret key of the user binding (API 1.0, base64 text) as a SecureString, for example from
    Read-Host -AsSecureString or a secret vault.

    .PARAMETER Credential
    API 1.0 access key (user name) and secret key (password) as a PSCredential, for example from Get-Credential.

    .PARAMETER FromEnvironment
    Reads the credentials from the MIMECAST_* environment variables (the same names as every binding of the library).
    Variables set in this session with $env:NAME = 'value' are seen too.

    .PARAMETER PostmanEnvironment
    Path of a Postman environment export (JSON with values such as baseUrl, ApplicationID, ApplicationKey, AccessKey,
    SecretKey, or client_id and client_secret). Relative paths are resolved against the current location.

    .PARAMETER ClientId
    The client id of an API 2.0 application (OAuth 2.0 client credentials).

    .PARAMETER ClientSecret
    The client secret of an API 2.0 application, as a SecureString.

    .PARAMETER ClientCredential
    API 2.0 client id (user name) and client secret (password) as a PSCredential.

    .PARAMETER TimeoutSec
    Seconds allowed for a whole request, the response body included (library default: 60).

    .PARAMETER ConnectTimeoutSec
    Seconds allowed to open a connection, TCP and TLS (library default: 10).

    .PARAMETER CaBundle
    Path of a PEM file of CA certificates trusted in addition to the system's (TLS-inspecting proxies, private
    servers).

    .PARAMETER Proxy
    Proxy URL http://host:port. Without this parameter HTTPS_PROXY / ALL_PROXY (and NO_PROXY) apply; an empty string
    connects directly.

    .PARAMETER MaxRetries
    How many times a rate-limited (HTTP 429, waiting X-RateLimit-Reset), 5xx or failed-connection request is retried
    (library default: 3; 0 disables retries).

    .PARAMETER RetryAfterSend
    Also retries Invoke-MimecastApi calls after failures that may have reached the server (HTTP 5xx, a connection
    broken while waiting for the answer). Off by default: the endpoint may change something (add a group member,
    release a message), and a retry could do it twice. Get-MimecastAccount, -All paging and HTTP 429 are always
    retried.

    .PARAMETER AllowInsecureHttp
    Allows plain http:// to hosts that are not loopback. The keys would travel unencrypted: for test servers only.

    .PARAMETER PassThru
    Returns the connection object (Mimecast.Connection, with the client in its Client property).

    .EXAMPLE
    PS> $secret = Read-Host -Prompt 'Secret key' -AsSecureString
    PS> Connect-Mimecast -BaseUrl eu -ApplicationId $appId -ApplicationKey $appKey -AccessKey $accessKey -SecretKey $secret
    PS> Get-MimecastAccount

    Connects with the four API 1.0 keys to the EU region, then reads the account.

    .EXAMPLE
    PS> Connect-Mimecast -FromEnvironment -TimeoutSec 30 -Verbose

    Connects with the MIMECAST_* environment variables (API 1.0 or API 2.0), with a 30 s timeout per request.

    .EXAMPLE
    PS> Connect-Mimecast -BaseUrl https://us-api.mimecast.com -ApplicationId $appId -ApplicationKey $appKey -Credential (Get-Credential -Message 'Access key / secret key')

    Asks for the access key (user name) and secret key (password).

    .EXAMPLE
    PS> $connection = Connect-Mimecast -ClientCredential (Get-Credential -Message 'Client id / secret') -PassThru
    PS> Invoke-MimecastApi -Path /api/account/get-account -Client $connection.Client

    API 2.0: OAuth client credentials, and the client used explicitly.

    .EXAMPLE
    PS> Connect-Mimecast -PostmanEnvironment ./Mimecast.postman_environment.json -CaBundle ./corporate-ca.pem

    Reads the keys from a Postman environment export and trusts a corporate CA in addition to the system's.

    .INPUTS
    None.

    .OUTPUTS
    None by default. With -PassThru: Mimecast.Connection (Api, Source, BaseUrl, ConnectedAt, Client).

    .LINK
    Disconnect-Mimecast

    .LINK
    Get-MimecastAccount

    .LINK
    Invoke-MimecastApi
    #>
    [CmdletBinding(DefaultParameterSetName = 'Keys')]
    [OutputType('Mimecast.Connection')]
    param(
        [Parameter(Mandatory = $true, ParameterSetName = 'Keys', Position = 0)]
        [Parameter(Mandatory = $true, ParameterSetName = 'KeysCredential', Position = 0)]
        [Parameter(ParameterSetName = 'OAuth')]
        [Parameter(ParameterSetName = 'OAuthCredential')]
        [ValidateNotNullOrEmpty()]
        [string] $BaseUrl,

        [Parameter(Mandatory = $true, ParameterSetName = 'Keys')]
        [Parameter(Mandatory = $true, ParameterSetName = 'KeysCredential')]
        [ValidateNotNullOrEmpty()]
        [string] $ApplicationId,

        [Parameter(Mandatory = $true, ParameterSetName = 'Keys')]
        [Parameter(Mandatory = $true, ParameterSetName = 'KeysCredential')]
        [ValidateNotNullOrEmpty()]
        [string] $ApplicationKey,

        [Parameter(Mandatory = $true, ParameterSetName = 'Keys')]
        [ValidateNotNullOrEmpty()]
        [string] $AccessKey,

        [Parameter(Mandatory = $true, ParameterSetName = 'Keys')]
        [ValidateNotNull()]
        [System.Security.SecureString] $SecretKey,

        [Parameter(Mandatory = $true, ParameterSetName = 'KeysCredential')]
        [ValidateNotNull()]
        [System.Management.Automation.PSCredential]
        [System.Management.Automation.Credential()]
        $Credential,

        [Parameter(Mandatory = $true, ParameterSetName = 'Environment')]
        [switch] $FromEnvironment,

        [Parameter(Mandatory = $true, ParameterSetName = 'Postman')]
        [ValidateNotNullOrEmpty()]
        [string] $PostmanEnvironment,

        [Parameter(Mandatory = $true, ParameterSetName = 'OAuth')]
        [ValidateNotNullOrEmpty()]
        [string] $ClientId,

        [Parameter(Mandatory = $true, ParameterSetName = 'OAuth')]
        [ValidateNotNull()]
        [System.Security.SecureString] $ClientSecret,

        [Parameter(Mandatory = $true, ParameterSetName = 'OAuthCredential')]
        [ValidateNotNull()]
        [System.Management.Automation.PSCredential]
        [System.Management.Automation.Credential()]
        $ClientCredential,

        [ValidateRange(1, 86400)]
        [int] $TimeoutSec,

        [ValidateRange(1, 3600)]
        [int] $ConnectTimeoutSec,

        [ValidateNotNullOrEmpty()]
        [string] $CaBundle,

        [AllowEmptyString()]
        [string] $Proxy,

        [ValidateRange(0, 100)]
        [int] $MaxRetries,

        [switch] $RetryAfterSend,

        [switch] $AllowInsecureHttp,

        [switch] $PassThru
    )

    $options = New-Object -TypeName Mimecast.MimecastClientOptions
    if ($PSBoundParameters.ContainsKey('TimeoutSec')) { $options.Timeout = [TimeSpan]::FromSeconds($TimeoutSec) }
    if ($PSBoundParameters.ContainsKey('ConnectTimeoutSec')) { $options.ConnectTimeout = [TimeSpan]::FromSeconds($ConnectTimeoutSec) }
    if ($PSBoundParameters.ContainsKey('CaBundle')) { $options.CaBundlePath = Resolve-MimecastFilePath -Cmdlet $PSCmdlet -Path $CaBundle }
    if ($PSBoundParameters.ContainsKey('Proxy')) { $options.Proxy = $Proxy }
    if ($PSBoundParameters.ContainsKey('MaxRetries')) { $options.MaxRetries = $MaxRetries }
    if ($RetryAfterSend) { $options.RetryAfterSend = $true }
    if ($AllowInsecureHttp) { $options.AllowInsecureHttp = $true }
    $options.Logger = New-MimecastLogger
    $options.LogLevel = [Mimecast.MimecastLogLevel]::Debug

    $api = '1.0'
    $source = $PSCmdlet.ParameterSetName
    $shownBaseUrl = $null
    if ($PSBoundParameters.ContainsKey('BaseUrl')) { $shownBaseUrl = $BaseUrl }
    $target = $shownBaseUrl
    $client = $null
    $failure = $null
    $plain = $null
    try {
        switch ($PSCmdlet.ParameterSetName) {
            'Keys' {
                Write-Verbose ('Creating an API 1.0 client for {0} (application id {1}).' -f $BaseUrl, $ApplicationId)
                $plain = ConvertFrom-MimecastSecureString -SecureString $SecretKey
                $client = [Mimecast.MimecastClient]::new($BaseUrl, $ApplicationId, $ApplicationKey, $AccessKey, $plain, $options)
            }
            'KeysCredential' {
                Write-Verbose ('Creating an API 1.0 client for {0} (application id {1}, access key from -Credential).' -f $BaseUrl, $ApplicationId)
                $plain = $Credential.GetNetworkCredential().Password
                $client = [Mimecast.MimecastClient]::new($BaseUrl, $ApplicationId, $ApplicationKey, $Credential.UserName, $plain, $options)
                $source = 'Credential'
            }
            'Environment' {
                Write-Verbose 'Creating a client from the MIMECAST_* environment variables.'
                $client = [Mimecast.MimecastClient]::FromEnvironment($options)
                if ([Environment]::GetEnvironmentVariable('MIMECAST_CLIENT_ID')) { $api = '2.0' }
                $shownBaseUrl = [Environment]::GetEnvironmentVariable('MIMECAST_BASE_URL')
            }
            'Postman' {
                $file = Resolve-MimecastFilePath -Cmdlet $PSCmdlet -Path $PostmanEnvironment
                $target = $file
                Write-Verbose ('Creating a client from the Postman environment {0}.' -f $file)
                $client = [Mimecast.MimecastClient]::FromPostmanEnvironment($file, $options)
                $api = $null
            }
            'OAuth' {
                Write-Verbose ('Creating an API 2.0 (OAuth) client for {0} (client id {1}).' -f $(if ($shownBaseUrl) { $shownBaseUrl } else { 'the default base URL' }), $ClientId)
                $plain = ConvertFrom-MimecastSecureString -SecureString $ClientSecret
                $client = [Mimecast.MimecastClient]::ForOAuth($ClientId, $plain, (Get-MimecastNullableString $shownBaseUrl), $options)
                $api = '2.0'
            }
            'OAuthCredential' {
                Write-Verbose ('Creating an API 2.0 (OAuth) client for {0} (client id {1}).' -f $(if ($shownBaseUrl) { $shownBaseUrl } else { 'the default base URL' }), $ClientCredential.UserName)
                $plain = $ClientCredential.GetNetworkCredential().Password
                $client = [Mimecast.MimecastClient]::ForOAuth($ClientCredential.UserName, $plain, (Get-MimecastNullableString $shownBaseUrl), $options)
                $api = '2.0'
                $source = 'ClientCredential'
            }
        }
    }
    catch {
        $failure = New-MimecastErrorRecord -InputObject $_ -TargetObject $target
    }
    finally {
        $plain = $null
        Write-MimecastLog -Cmdlet $PSCmdlet
    }
    if ($null -ne $failure) { $PSCmdlet.ThrowTerminatingError($failure) }

    $previous = $script:MimecastConnection
    $connection = [pscustomobject]@{
        PSTypeName  = 'Mimecast.Connection'
        Api         = $api
        Source      = $source
        BaseUrl     = $shownBaseUrl
        ConnectedAt = Get-Date
        Client      = $client
    }
    $script:MimecastConnection = $connection
    if ($null -ne $previous -and -not [object]::ReferenceEquals($previous.Client, $client)) {
        Write-Verbose 'Disposing the previous Mimecast client.'
        $previous.Client.Dispose()
    }
    Write-Verbose ('Connected ({0}); the native library is {1}.' -f $source, [Mimecast.MimecastClient]::NativeLibraryPath)
    if ($PassThru) { $connection }
}

function Disconnect-Mimecast {
    <#
    .SYNOPSIS
    Disposes the Mimecast client stored by Connect-Mimecast.

    .DESCRIPTION
    Frees the connected client and wipes its keys from memory. The other Mimecast commands then need a new
    Connect-Mimecast (or -Client). Running it without a connection does nothing.

    .EXAMPLE
    PS> Disconnect-Mimecast

    Ends the connection made by Connect-Mimecast.

    .EXAMPLE
    PS> Connect-Mimecast -FromEnvironment
    PS> try { Get-MimecastAccount } finally { Disconnect-Mimecast }

    Makes sure the keys are wiped when the script ends.

    .INPUTS
    None.

    .OUTPUTS
    None.

    .LINK
    Connect-Mimecast
    #>
    [CmdletBinding()]
    [OutputType([void])]
    param()

    $connection = $script:MimecastConnection
    $script:MimecastConnection = $null
    if ($null -eq $connection) {
        Write-Verbose 'Not connected to Mimecast: nothing to do.'
        return
    }
    $connection.Client.Dispose()
    Write-Verbose 'Disposed the Mimecast client; its keys were wiped.'
}

function Get-MimecastAccount {
    <#
    .SYNOPSIS
    Gets the Mimecast account (Get Account, /api/account/get-account).

    .DESCRIPTION
    Calls Get Account with the connected client (or -Client) and returns the account as a Mimecast.Account object:
    AccountName, AccountCode, Region, UserCount, AdminEmail, MimecastId, MailPlatform, Type, Packages, and the other
    fields of the API (Archive, Gateway, MaxRetention, DatabaseCode, SupportCode, Domain, ...). The support
    passphrase is in the Passphrase property but not displayed by default. RawJson holds the account as JSON text.

    The logged-in user must be a Mimecast administrator with at least the Account | Dashboard | Read permission.

    .PARAMETER Client
    The Mimecast.MimecastClient to use instead of the one stored by Connect-Mimecast.

    .EXAMPLE
    PS> Connect-Mimecast -FromEnvironment
    PS> Get-MimecastAccount

    Shows the account (without the passphrase).

    .EXAMPLE
    PS> Get-MimecastAccount | Select-Object AccountName, AccountCode, UserCount, Packages

    Picks a few properties.

    .EXAMPLE
    PS> (Get-MimecastAccount -Client $connection.Client).RawJson | ConvertFrom-Json

    Every field returned by the API, with an explicit client.

    .INPUTS
    None.

    .OUTPUTS
    Mimecast.Account

    .LINK
    Connect-Mimecast

    .LINK
    Invoke-MimecastApi
    #>
    [CmdletBinding()]
    [OutputType('Mimecast.Account')]
    param(
        [Parameter()]
        [ValidateNotNull()]
        [Mimecast.MimecastClient] $Client
    )

    $path = '/api/account/get-account'
    $mc = Get-MimecastClientOrNull -Client $Client
    if ($null -eq $mc) { $PSCmdlet.ThrowTerminatingError((New-MimecastNotConnectedError -TargetObject $path)) }

    Write-Verbose ('POST {0}' -f $path)
    $account = $null
    $failure = $null
    try {
        $account = $mc.GetAccount()
    }
    catch {
        $failure = New-MimecastErrorRecord -InputObject $_ -TargetObject $path
    }
    finally {
        Write-MimecastLog -Cmdlet $PSCmdlet
    }
    if ($null -ne $failure) { $PSCmdlet.ThrowTerminatingError($failure) }
    $account
}

function Invoke-MimecastApi {
    <#
    .SYNOPSIS
    Calls any Mimecast API endpoint and returns the items of its data array.

    .DESCRIPTION
    POSTs a request to -Path (for example /api/directory/find-groups) with the connected client (or -Client),
    authenticated with API 1.0 signing or the API 2.0 token, and writes each item of the response's "data" array to
    the pipeline as an object (JSON objects become PSCustomObjects with the type name Mimecast.ApiItem).

    The request body is {"data": [...]}: -Data is converted with ConvertTo-Json -Depth 20 and wrapped in that array
    (one object or several); -Body sends JSON text as given; without either, {"data":[]} is sent.

    With -All the endpoint is paged: every page is fetched in turn (-PageSize items each) and the items are streamed
    as they arrive; it stops after the last page. -PageSize without -All fetches the first page only. A "fail" entry
    in a response is a terminating error (see the ERRORS section of the module README).

    .PARAMETER Path
    The request path, for example /api/audit/get-audit-events. Never the full URL: the base URL comes from the
    connection.

    .PARAMETER Data
    The request's data: a hashtable, PSCustomObject or an array of them. Sent as {"data": [ ... ]}.

    .PARAMETER Body
    The whole JSON request body as text, for example '{"data":[{"query":"sales"}]}'.

    .PARAMETER All
    Fetches every page of a paged endpoint and streams the items of all of them.

    .PARAMETER PageSize
    Items per page (1 to 500). Without -All only the first page is returned.

    .PARAMETER Client
    The Mimecast.MimecastClient to use instead of the one stored by Connect-Mimecast.

    .EXAMPLE
    PS> Invoke-MimecastApi -Path /api/directory/find-groups -Data @{ query = 'sales' }

    Finds groups; the body sent is {"data":[{"query":"sales"}]}.

    .EXAMPLE
    PS> Invoke-MimecastApi -Path /api/audit/get-audit-events -Data @{ startDateTime = '2024-01-01T00:00:00+0000' } -All -PageSize 100 |
    >>     Where-Object category -eq 'authentication_logs' | Select-Object -First 20

    Streams audit events of every page; Select-Object -First stops the paging early.

    .EXAMPLE
    PS> Invoke-MimecastApi -Path /api/account/get-account -Body '{"data":[]}'

    Sends a body given as JSON text.

    .INPUTS
    System.String. A path can come from the pipeline by property name (Path).

    .OUTPUTS
    System.Management.Automation.PSCustomObject (type name Mimecast.ApiItem), one per item of "data".

    .LINK
    Connect-Mimecast

    .LINK
    Get-MimecastAuthHeader
    #>
    [CmdletBinding(DefaultParameterSetName = 'Data')]
    [OutputType('Mimecast.ApiItem')]
    param(
        [Parameter(Mandatory = $true, Position = 0, ValueFromPipelineByPropertyName = $true)]
        [ValidateNotNullOrEmpty()]
        [string] $Path,

        [Parameter(ParameterSetName = 'Data', Position = 1)]
        [AllowNull()]
        [object] $Data,

        [Parameter(Mandatory = $true, ParameterSetName = 'Body')]
        [ValidateNotNullOrEmpty()]
        [string] $Body,

        [switch] $All,

        [ValidateRange(1, 500)]
        [int] $PageSize,

        [ValidateNotNull()]
        [Mimecast.MimecastClient] $Client
    )

    process {
        $mc = Get-MimecastClientOrNull -Client $Client
        if ($null -eq $mc) { $PSCmdlet.ThrowTerminatingError((New-MimecastNotConnectedError -TargetObject $Path)) }

        $json = $null
        if ($PSCmdlet.ParameterSetName -eq 'Body') {
            $json = $Body
        }
        elseif ($PSBoundParameters.ContainsKey('Data')) {
            $items = @()
            if ($null -ne $Data) { $items = @($Data) }
            $json = ConvertTo-Json -InputObject @{ data = $items } -Depth 20 -Compress
        }
        $size = 0
        if ($PSBoundParameters.ContainsKey('PageSize')) { $size = $PageSize }
        if ($null -eq $json) { $bodyArg = [System.Management.Automation.Language.NullString]::Value } else { $bodyArg = $json }
        if ($null -eq $json) { $shownBody = '{"data":[]}' } else { $shownBody = '{0} bytes' -f $json.Length }

        $failure = $null
        if ($All) {
            Write-Verbose ('POST {0} (all pages, page size {1}; body {2})' -f $Path, $(if ($size -gt 0) { $size } else { 'default' }), $shownBody)
            $count = 0
            try {
                $enumerable = $mc.Paginate($Path, $bodyArg, $size)
                $enumerator = [System.Collections.IEnumerable].GetMethod('GetEnumerator').Invoke($enumerable, $null)
                try {
                    while ($enumerator.MoveNext()) {
                        Write-MimecastLog -Cmdlet $PSCmdlet
                        $count++
                        ConvertFrom-MimecastJsonElement -Element $enumerator.Current
                    }
                }
                finally {
                    if ($enumerator -is [System.IDisposable]) { $enumerator.Dispose() }
                }
                Write-Verbose ('{0} item(s) in all pages of {1}.' -f $count, $Path)
            }
            catch {
                # Select-Object -First and Ctrl+C stop the pipeline: let that through, it is not a failure.
                if ($_.Exception -is [System.Management.Automation.PipelineStoppedException]) { throw }
                $failure = New-MimecastErrorRecord -InputObject $_ -TargetObject $Path
            }
            finally {
                Write-MimecastLog -Cmdlet $PSCmdlet
            }
        }
        else {
            Write-Verbose ('POST {0} (body {1})' -f $Path, $shownBody)
            $response = $null
            try {
                if ($size -gt 0) {
                    $response = $mc.RequestPage($Path, $bodyArg, $size, [System.Management.Automation.Language.NullString]::Value)
                    if ($null -ne $response.NextPageToken) {
                        Write-Verbose 'More pages are available: use -All to fetch them.'
                    }
                }
                else {
                    $response = $mc.Request($Path, $bodyArg)
                }
            }
            catch {
                $failure = New-MimecastErrorRecord -InputObject $_ -TargetObject $Path
            }
            finally {
                Write-MimecastLog -Cmdlet $PSCmdlet
            }
            if ($null -ne $response) {
                if ($response.RetryCount -gt 0) { Write-Verbose ('The request needed {0} retry(ies).' -f $response.RetryCount) }
                Get-MimecastDataItems -Response $response
            }
        }
        if ($null -ne $failure) { $PSCmdlet.ThrowTerminatingError($failure) }
    }
}

function Get-MimecastAuthHeader {
    <#
    .SYNOPSIS
    Returns the signed API 1.0 request headers for a path, for your own HTTP code (Invoke-RestMethod -Headers).

    .DESCRIPTION
    Signs a Mimecast API 1.0 request without sending it, like Mimecast's PowerShell sample does by hand: the
    Authorization header is "MC <access key>:<signature>" where the signature is the base64 HMAC-SHA1, keyed with the
    base64-decoded secret key, of "<x-mc-date>:<x-mc-req-id>:<path>:<application key>".

    Returns a hashtable with Authorization, x-mc-date, x-mc-req-id, x-mc-app-id, Content-Type and Accept, ready for
    Invoke-RestMethod -Method Post -Headers. Each request needs fresh headers (new date and request id).

    Uses the connected client (API 1.0 only; an API 2.0 connection cannot sign), -Client, or explicit keys without any
    connection. The hashtable contains the access key and the signature: do not log it.

    .PARAMETER Path
    The request path (for example /api/account/get-account), exactly as sent; never the full URL.

    .PARAMETER Date
    The x-mc-date value: a string such as 'Tue, 24 Nov 2015 12:50:11 UTC' used as given, or a [datetime] (converted
    to UTC in that format). Default: now.

    .PARAMETER RequestId
    The x-mc-req-id value. Default: a new random GUID.

    .PARAMETER Client
    The Mimecast.MimecastClient (API 1.0) to use instead of the one stored by Connect-Mimecast.

    .PARAMETER ApplicationId
    Application id, to sign with explicit keys instead of a connection.

    .PARAMETER ApplicationKey
    Application key, to sign with explicit keys instead of a connection.

    .PARAMETER AccessKey
    Access key, to sign with explicit keys instead of a connection.

    .PARAMETER SecretKey
    Secret key (base64) as a SecureString, to sign with explicit keys instead of a connection.

    .PARAMETER Credential
    Access key (user name) and secret key (password), to sign with explicit keys instead of a connection.

    .EXAMPLE
    PS> $baseUrl = 'https://eu-api.mimecast.com'
    PS> $uri = '/api/account/get-account'
    PS> $headers = Get-MimecastAuthHeader -Path $uri
    PS> Invoke-RestMethod -Method Post -Uri ($baseUrl + $uri) -Headers $headers -Body '{"data":[]}'

    Signs with the connected client and sends the request with Invoke-RestMethod.

    .EXAMPLE
    PS> $secret = ConvertTo-SecureString -String $env:MIMECAST_SECRET_KEY -AsPlainText -Force
    PS> Get-MimecastAuthHeader -Path /api/account/get-account -ApplicationId $appId -ApplicationKey $appKey -AccessKey $accessKey -SecretKey $secret -Date 'Tue, 24 Nov 2015 12:50:11 UTC' -RequestId '8c8b2b8e-6d0f-4f3a-9d1e-2a4b6c8d0e1f'

    Signs with explicit keys, a fixed date and request id (reproducible, for comparing with another implementation).

    .INPUTS
    None.

    .OUTPUTS
    System.Collections.Hashtable

    .LINK
    Invoke-MimecastApi

    .LINK
    Connect-Mimecast
    #>
    [CmdletBinding(DefaultParameterSetName = 'Connection')]
    [OutputType([hashtable])]
    param(
        [Parameter(Mandatory = $true, Position = 0)]
        [ValidateNotNullOrEmpty()]
        [string] $Path,

        [Parameter()]
        [ValidateNotNull()]
        [object] $Date,

        [Parameter()]
        [ValidateNotNullOrEmpty()]
        [string] $RequestId,

        [Parameter(ParameterSetName = 'Connection')]
        [ValidateNotNull()]
        [Mimecast.MimecastClient] $Client,

        [Parameter(Mandatory = $true, ParameterSetName = 'Keys')]
        [Parameter(Mandatory = $true, ParameterSetName = 'KeysCredential')]
        [ValidateNotNullOrEmpty()]
        [string] $ApplicationId,

        [Parameter(Mandatory = $true, ParameterSetName = 'Keys')]
        [Parameter(Mandatory = $true, ParameterSetName = 'KeysCredential')]
        [ValidateNotNullOrEmpty()]
        [string] $ApplicationKey,

        [Parameter(Mandatory = $true, ParameterSetName = 'Keys')]
        [ValidateNotNullOrEmpty()]
        [string] $AccessKey,

        [Parameter(Mandatory = $true, ParameterSetName = 'Keys')]
        [ValidateNotNull()]
        [System.Security.SecureString] $SecretKey,

        [Parameter(Mandatory = $true, ParameterSetName = 'KeysCredential')]
        [ValidateNotNull()]
        [System.Management.Automation.PSCredential]
        [System.Management.Automation.Credential()]
        $Credential
    )

    $dateArg = [System.Management.Automation.Language.NullString]::Value
    if ($PSBoundParameters.ContainsKey('Date')) { $dateArg = Format-MimecastDate -Date $Date }
    $idArg = [System.Management.Automation.Language.NullString]::Value
    if ($PSBoundParameters.ContainsKey('RequestId')) { $idArg = $RequestId }

    $ownClient = $null
    $mc = $null
    $failure = $null
    $signed = $null
    try {
        if ($PSCmdlet.ParameterSetName -eq 'Connection') {
            $mc = Get-MimecastClientOrNull -Client $Client
        }
        else {
            $plain = $null
            try {
                if ($PSCmdlet.ParameterSetName -eq 'Keys') {
                    $plain = ConvertFrom-MimecastSecureString -SecureString $SecretKey
                    $access = $AccessKey
                }
                else {
                    $plain = $Credential.GetNetworkCredential().Password
                    $access = $Credential.UserName
                }
                # The base URL does not take part in signing; a region name keeps the constructor offline.
                $ownClient = [Mimecast.MimecastClient]::new('eu', $ApplicationId, $ApplicationKey, $access, $plain, $null)
            }
            finally { $plain = $null }
            $mc = $ownClient
        }
        if ($null -ne $mc) {
            $signed = $mc.Sign($Path, $dateArg, $idArg)
        }
    }
    catch {
        $failure = New-MimecastErrorRecord -InputObject $_ -TargetObject $Path
    }
    finally {
        if ($null -ne $ownClient) { $ownClient.Dispose() }
    }
    if ($null -ne $failure) { $PSCmdlet.ThrowTerminatingError($failure) }
    if ($null -eq $mc) { $PSCmdlet.ThrowTerminatingError((New-MimecastNotConnectedError -TargetObject $Path)) }

    # Signing is the hot path of this command: build the verbose line only when it is shown.
    if ($VerbosePreference -ne 'SilentlyContinue') {
        Write-Verbose ('Signed {0} (the Authorization value is not shown): x-mc-date: {1}; x-mc-req-id: {2}; x-mc-app-id: {3}' -f $Path, $signed.Date, $signed.RequestId, $signed.AppId)
    }
    @{
        'Authorization' = $signed.Authorization
        'x-mc-date'     = $signed.Date
        'x-mc-req-id'   = $signed.RequestId
        'x-mc-app-id'   = $signed.AppId
        'Content-Type'  = 'application/json'
        'Accept'        = 'application/json'
    }
}

#endregion

$ExecutionContext.SessionState.Module.OnRemove = {
    if ($null -ne $script:MimecastConnection) {
        $script:MimecastConnection.Client.Dispose()
        $script:MimecastConnection = $null
    }
}

Export-ModuleMember -Function @(
    'Connect-Mimecast'
    'Disconnect-Mimecast'
    'Get-MimecastAccount'
    'Get-MimecastAuthHeader'
    'Invoke-MimecastApi'
)
