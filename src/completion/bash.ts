import type { CompletionModel } from './model.js';

/** Single-quoted for sh. */
const q = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;
const words = (list: readonly string[]) => q(list.join(' '));

/**
 * complete -F for bash. Environment names come from `opsctl completion --environments` at completion time,
 * run with the -c given on the line, so they follow the config in use.
 */
export function bashScript(model: CompletionModel): string {
  const optionCases = model.commands.map((c) => `    ${c.name}) options=${words(c.options.flatMap((o) => o.names))}; choices=${words(c.choices)} ;;`);
  return `# opsctl completion for bash. Load it with: source <(opsctl completion bash)
# or install it: opsctl completion bash > /etc/bash_completion.d/opsctl
_opsctl() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev=""
  (( COMP_CWORD > 0 )) && prev="\${COMP_WORDS[COMP_CWORD-1]}"
  local commands=${words(model.commands.map((c) => c.name))}
  local globals=${words(model.globals.flatMap((o) => o.names))}
  local value_flags=${q(` ${model.valueFlags.join(' ')} `)}
  local i word config_args=()
  for (( i = 1; i < COMP_CWORD; i++ )); do
    case "\${COMP_WORDS[i]}" in ${model.configFlags.join('|')}) config_args=(-c "\${COMP_WORDS[i+1]}") ;; esac
  done
  case "$prev" in
    ${model.environmentFlags.join('|')})
      COMPREPLY=( $(compgen -W "$("\${COMP_WORDS[0]}" "\${config_args[@]}" completion --environments 2>/dev/null)" -- "$cur") )
      return 0 ;;
    ${model.configFlags.join('|')})
      COMPREPLY=( $(compgen -f -- "$cur") )
      return 0 ;;
  esac
${bashCommandPart(optionCases)}`;
}

/** The second half: find the command on the line, then complete its options or argument words. */
function bashCommandPart(optionCases: readonly string[]): string {
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
  local options="" choices=""
  case "$command" in
${optionCases.join('\n')}
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=( $(compgen -W "$options $globals" -- "$cur") )
  elif [[ -n "$choices" && "$prev" == "$command" ]]; then
    COMPREPLY=( $(compgen -W "$choices" -- "$cur") )
  fi
  return 0
}
complete -o default -F _opsctl opsctl
`;
}
