<#
.SYNOPSIS
Writes the module's MAML help (what Get-Help reads for compiled cmdlets) from docs/<command>.md.

.DESCRIPTION
The prose (synopsis, description, parameter descriptions, examples, inputs, outputs, notes, links) comes from one
Markdown file per command, in the layout platyPS uses; the syntax, parameter sets, types, positions, pipeline input
and mandatory flags come from the compiled cmdlets themselves (imported from -ModulePath), so they cannot drift.
Fails when a parameter has no description, or a description names a parameter the command does not have.
Run by build.ps1 in its own process (the module's assembly stays loaded in the process that imports it).
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory = $true)] [string] $ModulePath,
    [Parameter(Mandatory = $true)] [string] $DocsPath,
    [Parameter(Mandatory = $true)] [string] $OutFile
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$module = Import-Module -Name $ModulePath -PassThru -Force
# -WhatIf and -Confirm are documented like the command's own parameters (as platyPS does); the rest are common.
$common = [System.Management.Automation.PSCmdlet]::CommonParameters + @('UseTransaction')

function Split-Sections([string] $Text, [string] $Level) {
    # Splits Markdown into an ordered dictionary: heading (at $Level, e.g. '##') -> body text.
    $sections = [ordered]@{}
    $name = $null
    $lines = New-Object System.Collections.Generic.List[string]
    $inCode = $false
    foreach ($line in ($Text -split "`r?`n")) {
        if ($line.StartsWith('```')) { $inCode = -not $inCode }
        if (-not $inCode -and $line -match ('^' + $Level + ' (.+?)\s*$')) {
            if ($null -ne $name) { $sections[$name] = ($lines -join "`n").Trim() }
            $name = $Matches[1]
            $lines.Clear()
        }
        elseif ($null -ne $name) { $lines.Add($line) }
    }
    if ($null -ne $name) { $sections[$name] = ($lines -join "`n").Trim() }
    return $sections
}

function Get-Paragraphs([string] $Text) {
    # Paragraphs separated by blank lines; lines of a paragraph are joined; "- " list items stay one per paragraph.
    $result = @()
    foreach ($block in ($Text.Trim() -split "`n\s*`n")) {
        $block = $block.Trim()
        if (-not $block) { continue }
        if ($block -match '^- ') {
            foreach ($item in ($block -split "`n(?=- )")) { $result += ($item -replace '\s*\n\s*', ' ') }
        }
        else { $result += ($block -replace '\s*\n\s*', ' ') }
    }
    return , $result
}

function Add-Paras([System.Xml.XmlWriter] $W, [string] $Text) {
    foreach ($p in (Get-Paragraphs $Text)) { $W.WriteElementString('maml', 'para', $maml, $p) }
}

function Get-TypeName([type] $Type) {
    if ($Type.IsGenericType) { return $Type.Name.Split('`')[0] }
    return $Type.Name
}

function Get-PipelineText($Attributes) {
    $kinds = @()
    if (@($Attributes | Where-Object ValueFromPipeline).Count) { $kinds += 'ByValue' }
    if (@($Attributes | Where-Object ValueFromPipelineByPropertyName).Count) { $kinds += 'ByPropertyName' }
    if ($kinds.Count) { return 'True ({0})' -f ($kinds -join ', ') }
    return 'False'
}

function Write-Parameter([System.Xml.XmlWriter] $W, $Parameter, [string] $Description, [bool] $Required, [string] $Position, [string] $Pipeline) {
    $W.WriteStartElement('command', 'parameter', $command)
    $W.WriteAttributeString('required', $Required.ToString().ToLowerInvariant())
    $W.WriteAttributeString('variableLength', 'true')
    $W.WriteAttributeString('globbing', 'false')
    $W.WriteAttributeString('pipelineInput', $Pipeline)
    $W.WriteAttributeString('position', $Position)
    $aliases = @($Parameter.Aliases)
    $W.WriteAttributeString('aliases', $(if ($aliases.Count) { $aliases -join ', ' } else { 'none' }))
    $W.WriteElementString('maml', 'name', $maml, $Parameter.Name)
    $W.WriteStartElement('maml', 'description', $maml); Add-Paras $W $Description; $W.WriteEndElement()
    $typeName = Get-TypeName $Parameter.ParameterType
    if ($Parameter.ParameterType -ne [System.Management.Automation.SwitchParameter]) {
        $W.WriteStartElement('command', 'parameterValue', $command)
        $W.WriteAttributeString('required', 'true'); $W.WriteAttributeString('variableLength', 'false')
        $W.WriteString($typeName); $W.WriteEndElement()
    }
    $W.WriteStartElement('dev', 'type', $dev); $W.WriteElementString('maml', 'name', $maml, $typeName); $W.WriteEndElement()
    $W.WriteElementString('dev', 'defaultValue', $dev, 'None')
    $W.WriteEndElement()
}

$maml = 'http://schemas.microsoft.com/maml/2004/10'
$command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
$dev = 'http://schemas.microsoft.com/maml/dev/2004/10'

$settings = New-Object System.Xml.XmlWriterSettings
$settings.Indent = $true
$settings.Encoding = New-Object System.Text.UTF8Encoding($false)
$w = [System.Xml.XmlWriter]::Create($OutFile, $settings)
$w.WriteStartDocument()
$w.WriteStartElement('helpItems', 'http://msh')
$w.WriteAttributeString('schema', 'maml')

foreach ($cmd in ($module.ExportedCmdlets.Values | Sort-Object Name)) {
    $docFile = Join-Path $DocsPath ($cmd.Name + '.md')
    if (-not (Test-Path -LiteralPath $docFile)) { throw "No help source for $($cmd.Name): $docFile" }
    $doc = Split-Sections (Get-Content -LiteralPath $docFile -Raw -Encoding utf8) '##'
    foreach ($required in 'SYNOPSIS', 'DESCRIPTION', 'EXAMPLES', 'PARAMETERS', 'INPUTS', 'OUTPUTS', 'RELATED LINKS') {
        if (-not $doc.Contains($required)) { throw "$docFile has no '## $required' section." }
        if (-not $doc[$required] -and $required -ne 'PARAMETERS') { throw "$docFile has an empty '## $required' section." }
    }
    $paramDocs = Split-Sections $doc['PARAMETERS'] '###'
    $parameters = @($cmd.Parameters.Values | Where-Object { $common -notcontains $_.Name } | Sort-Object Name)
    foreach ($p in $parameters) {
        if (-not $paramDocs.Contains('-' + $p.Name) -or -not $paramDocs['-' + $p.Name]) { throw "$docFile does not describe -$($p.Name)." }
    }
    foreach ($documented in $paramDocs.Keys) {
        if (-not ($parameters | Where-Object { '-' + $_.Name -eq $documented })) { throw "$docFile describes $documented, which $($cmd.Name) does not have." }
    }

    $w.WriteStartElement('command', 'command', $command)
    $w.WriteAttributeString('xmlns', 'maml', $null, $maml)
    $w.WriteAttributeString('xmlns', 'dev', $null, $dev)
    $w.WriteStartElement('command', 'details', $command)
    $w.WriteElementString('command', 'name', $command, $cmd.Name)
    $w.WriteElementString('command', 'verb', $command, $cmd.Verb)
    $w.WriteElementString('command', 'noun', $command, $cmd.Noun)
    $w.WriteStartElement('maml', 'description', $maml); Add-Paras $w $doc['SYNOPSIS']; $w.WriteEndElement()
    $w.WriteEndElement()
    $w.WriteStartElement('maml', 'description', $maml); Add-Paras $w $doc['DESCRIPTION']; $w.WriteEndElement()

    # Syntax: one item per parameter set, the parameters in position order, then the rest by name.
    $w.WriteStartElement('command', 'syntax', $command)
    foreach ($set in ($cmd.ParameterSets | Sort-Object { -not $_.IsDefault }, Name)) {
        $w.WriteStartElement('command', 'syntaxItem', $command)
        $w.WriteElementString('maml', 'name', $maml, $cmd.Name)
        $inSet = @($set.Parameters | Where-Object { $common -notcontains $_.Name } |
            Sort-Object @{ Expression = { if ($_.Position -ge 0) { $_.Position } else { [int]::MaxValue } } }, @{ Expression = { -not $_.IsMandatory } }, Name)
        foreach ($sp in $inSet) {
            $position = if ($sp.Position -ge 0) { [string]$sp.Position } else { 'named' }
            $pipeline = 'False'
            if ($sp.ValueFromPipeline -or $sp.ValueFromPipelineByPropertyName) {
                $kinds = @(); if ($sp.ValueFromPipeline) { $kinds += 'ByValue' }; if ($sp.ValueFromPipelineByPropertyName) { $kinds += 'ByPropertyName' }
                $pipeline = 'True ({0})' -f ($kinds -join ', ')
            }
            Write-Parameter $w $cmd.Parameters[$sp.Name] $paramDocs['-' + $sp.Name] $sp.IsMandatory $position $pipeline
        }
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    # Parameters: each once; required when mandatory in every set it belongs to, position from the first set that has one.
    $w.WriteStartElement('command', 'parameters', $command)
    foreach ($p in $parameters) {
        $attrs = @($p.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] })
        $required = @($attrs | Where-Object { -not $_.Mandatory }).Count -eq 0
        $positioned = @($attrs | Where-Object { $_.Position -ge 0 })
        $position = if ($positioned.Count) { [string]$positioned[0].Position } else { 'named' }
        Write-Parameter $w $p $paramDocs['-' + $p.Name] $required $position (Get-PipelineText $attrs)
    }
    $w.WriteEndElement()

    foreach ($kind in @(@{ Section = 'INPUTS'; List = 'inputTypes'; Item = 'inputType' }, @{ Section = 'OUTPUTS'; List = 'returnValues'; Item = 'returnValue' })) {
        $w.WriteStartElement('command', $kind.List, $command)
        $types = Split-Sections $doc[$kind.Section] '###'
        foreach ($t in $types.Keys) {
            $w.WriteStartElement('command', $kind.Item, $command)
            $w.WriteStartElement('dev', 'type', $dev); $w.WriteElementString('maml', 'name', $maml, $t); $w.WriteEndElement()
            $w.WriteStartElement('maml', 'description', $maml); Add-Paras $w $types[$t]; $w.WriteEndElement()
            $w.WriteEndElement()
        }
        $w.WriteEndElement()
    }

    if ($doc.Contains('NOTES') -and $doc['NOTES']) {
        $w.WriteStartElement('maml', 'alertSet', $maml)
        $w.WriteStartElement('maml', 'alert', $maml); Add-Paras $w $doc['NOTES']; $w.WriteEndElement()
        $w.WriteEndElement()
    }

    $w.WriteStartElement('command', 'examples', $command)
    $examples = Split-Sections $doc['EXAMPLES'] '###'
    if ($examples.Count -lt 1) { throw "$docFile has no example." }
    foreach ($title in $examples.Keys) {
        $m = [regex]::Match($examples[$title], '(?s)```powershell\n(.*?)\n```(.*)')
        if (-not $m.Success) { throw "$docFile, $($title): no ```powershell code block." }
        $w.WriteStartElement('command', 'example', $command)
        $w.WriteElementString('maml', 'title', $maml, ('-------------------------- {0} --------------------------' -f $title))
        $w.WriteElementString('dev', 'code', $dev, $m.Groups[1].Value)
        $w.WriteStartElement('dev', 'remarks', $dev); Add-Paras $w $m.Groups[2].Value; $w.WriteEndElement()
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    $w.WriteStartElement('command', 'relatedLinks', $command)
    foreach ($line in ($doc['RELATED LINKS'] -split "`n")) {
        $line = $line.Trim()
        if (-not $line) { continue }
        $link = [regex]::Match($line, '^- \[(.+?)\]\((.*?)\)$')
        if (-not $link.Success) { throw "$docFile, RELATED LINKS: write each link as '- [text](uri)' (uri may be empty): $line" }
        $w.WriteStartElement('maml', 'navigationLink', $maml)
        $w.WriteElementString('maml', 'linkText', $maml, $link.Groups[1].Value)
        $w.WriteElementString('maml', 'uri', $maml, $link.Groups[2].Value)
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    $w.WriteEndElement() # command:command
}
$w.WriteEndElement()
$w.WriteEndDocument()
$w.Close()
Write-Host ('help: {0} commands -> {1}' -f $module.ExportedCmdlets.Count, $OutFile)
