import type { CompletionModel } from './model.js';

/** A PowerShell single-quoted string. */
const q = (text: string) => `'${text.replace(/'/g, "''")}'`;
const list = (items: readonly string[]) => `@(${items.map(q).join(', ')})`;

/**
 * Register-ArgumentCompleter -Native for opsctl; environment names from `opsctl completion --environments`,
 * an option's names from the config (restore --from <remote>) from `opsctl completion --words <list>` with the -c and -e on the line.
 */
export function powershellScript(model: CompletionModel): string {
  const options = model.commands.map((c) => `    ${q(c.name)} = ${list(c.options.flatMap((o) => o.names))}`);
  const choices = model.commands.filter((c) => c.choices.length + (c.actions?.length ?? 0) > 0).map((c) => `    ${q(c.name)} = ${list([...c.choices, ...(c.actions ?? [])])}`);
  const optionWords = model.commands.flatMap((c) => c.options.filter((o) => o.words).flatMap((o) => o.names.map((n) => `    ${q(`${c.name} ${n}`)} = ${q(o.words!)}`)));
  return `# opsctl completion for PowerShell. Load it with: opsctl completion powershell | Out-String | Invoke-Expression
# (add that line to $PROFILE to keep it)
Register-ArgumentCompleter -Native -CommandName 'opsctl', 'opsctl.exe', 'opsctl.cmd' -ScriptBlock {
  param($wordToComplete, $commandAst, $cursorPosition)
  $commands = ${list(model.commands.map((c) => c.name))}
  $globals = ${list(model.globals.flatMap((o) => o.names))}
  $commandGlobals = ${list(model.commandGlobals.flatMap((o) => o.names))}
  $valueFlags = ${list(model.valueFlags)}
  $environmentFlags = ${list(model.environmentFlags)}
  $configFlags = ${list(model.configFlags)}
  $options = @{
${options.join('\n')}
  }
  $choices = @{
${choices.join('\n')}
  }
  $optionWords = @{
${optionWords.join('\n')}
  }
  $words = @($commandAst.CommandElements | Where-Object { $_.Extent.EndOffset -le $cursorPosition } | ForEach-Object { $_.ToString() })
  if ($wordToComplete -ne '' -and $words.Count -gt 0 -and $words[-1] -eq $wordToComplete) { $words = @($words | Select-Object -SkipLast 1) }
  $prev = if ($words.Count -gt 1) { $words[-1] } else { '' }
  $reply = {
    param($candidates)
    $candidates | Where-Object { $_ -and $_ -like "$wordToComplete*" } | ForEach-Object { [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_) }
  }
  $configArgs = @()
  $envArgs = @()
  for ($i = 1; $i -lt $words.Count - 1; $i++) {
    if ($configFlags -ccontains $words[$i]) { $configArgs = @('-c', $words[$i + 1]) }
    if ($environmentFlags -ccontains $words[$i]) { $envArgs = @('-e', $words[$i + 1]) }
  }
  if ($environmentFlags -ccontains $prev) {
    $names = & $words[0] @configArgs completion --environments 2>$null
    return & $reply @($names)
  }
  if ($configFlags -ccontains $prev) { return }
${powershellCommandPart()}`;
}

/** The second half: find the command on the line, then complete its options or argument words. */
function powershellCommandPart(): string {
  return `  $command = $null
  for ($i = 1; $i -lt $words.Count; $i++) {
    $word = $words[$i]
    if ($word -eq '--') { break }
    if ($word.StartsWith('-')) { if ($valueFlags -ccontains $word) { $i++ }; continue }
    $command = $word
    break
  }
  if (-not $command) {
    if ($wordToComplete.StartsWith('-')) { return & $reply $globals }
    return & $reply $commands
  }
  if ($wordToComplete.StartsWith('-')) { return & $reply (@($options[$command]) + $commandGlobals) }
  $list = $optionWords["$command $prev"]
  if ($list) { return & $reply @(& $words[0] @configArgs @envArgs completion --words $list 2>$null) }
  if ($prev -eq $command -and $choices.ContainsKey($command)) { return & $reply $choices[$command] }
}
`;
}
