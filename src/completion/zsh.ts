import type { CompletionModel, CompletionOption } from './model.js';

const q = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;
/** _describe items: "name:description", a colon in the name escaped. */
const item = (name: string, description: string) => q(`${name.replace(/:/g, '\\:')}:${description}`);
const optionItems = (options: readonly CompletionOption[]) => options.flatMap((o) => o.names.map((name) => item(name, o.description)));

/** A zsh completion function: works from $fpath (as _opsctl) and when sourced (compdef). */
export function zshScript(model: CompletionModel): string {
  const optionCases = model.commands.map(
    (c) => `    ${c.name}) options=(${optionItems(c.options).join(' ')}); choices=(${[...c.choices, ...(c.actions ?? [])].map(q).join(' ')})${c.names ? `; name_after=${q(` ${c.names.after.join(' ')} `)}; name_list=${q(c.names.list)}` : ''} ;;`,
  );
  const valueCases = model.commands.flatMap((c) => c.options.filter((o) => o.choices?.length).map((o) => `    (${o.names.map((n) => q(`${c.name} ${n}`)).join('|')}) values=(${o.choices!.map(q).join(' ')}); _values -s , 'value' $values; return ;;`));
  // A name from the config (restore --from <remote>); a word starting with - is the next option (backup --remote [name]).
  const wordCases = model.commands.flatMap((c) => c.options.filter((o) => o.words).map((o) => `    (${o.names.map((n) => q(`${c.name} ${n}`)).join('|')}) [[ $cur == -* ]] || { _opsctl_words ${q(o.words!)}; return } ;;`));
  return `#compdef opsctl
# opsctl completion for zsh. Load it with: source <(opsctl completion zsh)   (after compinit)
# or install it: opsctl completion zsh > "\${fpath[1]}/_opsctl"
_opsctl() {
  local -a commands globals command_globals options choices envs config_args env_args values
  local name_after='' name_list=''
  commands=(${model.commands.map((c) => item(c.name, c.summary)).join(' ')})
  globals=(${optionItems(model.globals).join(' ')})
  command_globals=(${optionItems(model.commandGlobals).join(' ')})
  local value_flags=${q(` ${model.valueFlags.join(' ')} `)}
  local cur=\${words[CURRENT]} prev=\${words[CURRENT-1]} command='' i
  for (( i = 2; i < CURRENT; i++ )); do
    case \${words[i]} in
      (${model.configFlags.join('|')}) config_args=(-c \${words[i+1]}) ;;
      (${model.environmentFlags.join('|')}) env_args=(-e \${words[i+1]}) ;;
    esac
  done
  case $prev in
    (${model.environmentFlags.join('|')})
      envs=(\${(f)"$(\${words[1]} $config_args completion --environments 2>/dev/null)"})
      compadd -a envs
      return ;;
    (${model.configFlags.join('|')})
      _files
      return ;;
  esac
${zshCommandPart(optionCases, [...valueCases, ...wordCases])}`;
}

/** The second half: find the command on the line, then complete its options or argument words. */
function zshCommandPart(optionCases: readonly string[], valueCases: readonly string[]): string {
  return `  for (( i = 2; i < CURRENT; i++ )); do
    case \${words[i]} in
      (--) break ;;
      (-*) [[ $value_flags == *" \${words[i]} "* ]] && (( i++ )) ;;
      (*) command=\${words[i]}; break ;;
    esac
  done
  if [[ -z $command ]]; then
    if [[ $cur == -* ]]; then _describe -t options 'option' globals; else _describe -t commands 'command' commands; fi
    return
  fi
  case $command in
${optionCases.join('\n')}
  esac
  case "$command $prev" in
${valueCases.join('\n')}
  esac
  if [[ $cur == -* ]]; then
    _describe -t options 'option' options -- command_globals
  elif (( \${#choices} )) && [[ $prev == $command ]]; then
    compadd -a choices
  elif [[ -n $name_list && $name_after == *" $prev "* ]]; then
    _opsctl_words $name_list
  else
    _files
  fi
}
# The names of a list, from the opsctl on the line with its -c and -e (locals of _opsctl, which calls it).
_opsctl_words() {
  local -a names
  names=(\${(f)"$(\${words[1]} $config_args $env_args completion --words $1 2>/dev/null)"})
  compadd -a names
}
if [[ \${zsh_eval_context[-1]} == loadautofunc ]]; then
  _opsctl "$@"
else
  compdef _opsctl opsctl
fi
`;
}
