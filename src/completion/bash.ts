import type { CompletionModel } from './model.js';

/** Single-quoted for sh. */
const q = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;
const words = (list: readonly string[]) => q(list.join(' '));

/**
 * complete -F for bash. Environment names come from `opsctl completion --environments` at completion time,
 * run with the -c given on the line, so they follow the config in use; other names (runbooks, remotes)
 * from `opsctl completion --words <list>`, run with the -c and -e given on the line.
 */
export function bashScript(model: CompletionModel): string {
  const optionCases = model.commands.map(
    (c) => `    ${c.name}) options=${words(c.options.flatMap((o) => o.names))}; choices=${words([...c.choices, ...(c.actions ?? [])])}${c.names ? `; name_after=${q(` ${c.names.after.join(' ')} `)}; name_list=${q(c.names.list)}` : ''} ;;`,
  );
  const valueCases = model.commands.flatMap((c) => c.options.filter((o) => o.choices?.length).map((o) => `    ${o.names.map((n) => q(`${c.name} ${n}`)).join('|')}) _opsctl_values ${words(o.choices!)} "$cur"; return 0 ;;`));
  // A name from the config (restore --from <remote>); a word starting with - is the next option (backup --remote [name]).
  const wordCases = model.commands.flatMap((c) => c.options.filter((o) => o.words).map((o) => `    ${o.names.map((n) => q(`${c.name} ${n}`)).join('|')}) [[ "$cur" == -* ]] || { _opsctl_words ${q(o.words!)}; return 0; } ;;`));
  return `# opsctl completion for bash. Load it with: source <(opsctl completion bash)
# or install it: opsctl completion bash > /etc/bash_completion.d/opsctl
# An option's values, each of a comma-separated list: "docker,te" completes to "docker,temp".
_opsctl_values() {
  local head=""
  [[ "$2" == *,* ]] && head="\${2%,*},"
  COMPREPLY=( $(compgen -P "$head" -W "$1" -- "\${2##*,}") )
}
# The names of a list, from the opsctl on the line with its -c and -e (variables of _opsctl, which calls it).
_opsctl_words() {
  COMPREPLY=( $(compgen -W "$("\${COMP_WORDS[0]}" "\${config_args[@]}" "\${env_args[@]}" completion --words "$1" 2>/dev/null)" -- "$cur") )
}
_opsctl() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev=""
  (( COMP_CWORD > 0 )) && prev="\${COMP_WORDS[COMP_CWORD-1]}"
  local commands=${words(model.commands.map((c) => c.name))}
  local globals=${words(model.globals.flatMap((o) => o.names))}
  local command_globals=${words(model.commandGlobals.flatMap((o) => o.names))}
  local value_flags=${q(` ${model.valueFlags.join(' ')} `)}
  local i word config_args=() env_args=()
  for (( i = 1; i < COMP_CWORD; i++ )); do
    case "\${COMP_WORDS[i]}" in
      ${model.configFlags.join('|')}) config_args=(-c "\${COMP_WORDS[i+1]}") ;;
      ${model.environmentFlags.join('|')}) env_args=(-e "\${COMP_WORDS[i+1]}") ;;
    esac
  done
  case "$prev" in
    ${model.environmentFlags.join('|')})
      COMPREPLY=( $(compgen -W "$("\${COMP_WORDS[0]}" "\${config_args[@]}" completion --environments 2>/dev/null)" -- "$cur") )
      return 0 ;;
    ${model.configFlags.join('|')})
      COMPREPLY=( $(compgen -f -- "$cur") )
      return 0 ;;
  esac
${bashCommandPart(optionCases, [...valueCases, ...wordCases])}`;
}

/** The second half: find the command on the line, then complete its options or argument words. */
function bashCommandPart(optionCases: readonly string[], valueCases: readonly string[]): string {
  return `  local command=""
  for (( i = 1; i < COMP_CWORD; i++ )); do
    word="\${COMP_WORDS[i]}"
    case "$word" in
      --) break ;;
      -*) [[ "$value_flags" == *" $word "* ]] && (( i++ )) ;;
      *) command="$word"; break ;;
    esac
  done
  if [[ -z "$command" ]]; then
    if [[ "$cur" == -* ]]; then COMPREPLY=( $(compgen -W "$globals" -- "$cur") ); else COMPREPLY=( $(compgen -W "$commands" -- "$cur") ); fi
    return 0
  fi
  local options="" choices="" name_after="" name_list=""
  case "$command" in
${optionCases.join('\n')}
  esac
  case "$command $prev" in
${valueCases.join('\n')}
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=( $(compgen -W "$options $command_globals" -- "$cur") )
  elif [[ -n "$choices" && "$prev" == "$command" ]]; then
    COMPREPLY=( $(compgen -W "$choices" -- "$cur") )
  elif [[ -n "$name_list" && "$name_after" == *" $prev "* ]]; then
    _opsctl_words "$name_list"
  fi
  return 0
}
complete -o default -F _opsctl opsctl
`;
}
